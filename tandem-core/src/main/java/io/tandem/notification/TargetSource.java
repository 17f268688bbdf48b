package io.tandem.notification;

import java.util.Locale;

/** Where a notification target was defined: the Manager's config file (changed only there) or the API. */
public enum TargetSource {
  CONFIG, API;

  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }
}
