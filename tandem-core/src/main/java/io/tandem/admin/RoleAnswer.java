package io.tandem.admin;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.tandem.call.Role;

/** A recorder's answer to a role order: the role and epoch it holds now. Immutable. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RoleAnswer(Role role, long epoch) {}
