package io.tandem.access;

/** An API token just created: its id, name and role, and the token itself, shown this once and never again. */
public record IssuedToken(long id, String name, AccessRole role, String token) {}
