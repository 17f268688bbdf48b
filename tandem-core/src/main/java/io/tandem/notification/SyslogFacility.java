package io.tandem.notification;

import java.util.Arrays;
import java.util.Locale;

/** The syslog facilities of RFC 5424, in the order of their numeric codes (kern is 0, local7 is 23). */
public enum SyslogFacility {
  KERN, USER, MAIL, DAEMON, AUTH, SYSLOG, LPR, NEWS, UUCP, CRON, AUTHPRIV, FTP, NTP, AUDIT, ALERT, CLOCK,
  LOCAL0, LOCAL1, LOCAL2, LOCAL3, LOCAL4, LOCAL5, LOCAL6, LOCAL7;

  public int code() {
    return ordinal();
  }

  /** The lower-case name, as the config file and the API write it. */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static SyslogFacility of(String word) {
    for (SyslogFacility facility : values()) {
      if (facility.word().equals(word)) {
        return facility;
      }
    }
    throw new InvalidTargetException("facility", "must be one of " + Arrays.stream(values())
        .map(SyslogFacility::word).toList() + ", got " + (word == null ? "nothing" : "'" + word + "'"));
  }
}
