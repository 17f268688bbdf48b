package io.tandem.database;

import io.tandem.call.CallRole;

/** One marked copy of an interaction; {@code inum} is the 15-digit INUM and {@code serial} six digits. */
public record CopyView(String inum, String serial, CallRole callRole, boolean complete, boolean marked) {}
