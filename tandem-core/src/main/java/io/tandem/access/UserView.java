package io.tandem.access;

import java.time.Instant;

/** A user as the admin sees it: never the password's hash. */
public record UserView(String name, String role, Instant createdAt, String createdBy) {}
