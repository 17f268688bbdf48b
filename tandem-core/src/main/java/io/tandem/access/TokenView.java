package io.tandem.access;

import java.time.Instant;

/** An API token as the admin sees it: never its secret. {@code revokedAt} is null while it is valid. */
public record TokenView(long id, String name, String role, Instant createdAt, String createdBy, Instant revokedAt) {}
