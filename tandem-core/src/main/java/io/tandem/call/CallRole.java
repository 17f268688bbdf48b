package io.tandem.call;

/** The role a recorder had when it recorded a call: MASTER as primary, SLAVE as secondary. */
public enum CallRole {
  MASTER,
  SLAVE;

  public static CallRole of(Role role) {
    return role == Role.PRIMARY ? MASTER : SLAVE;
  }
}
