package io.tandem.manager;

import io.tandem.redundancy.FailbackRefusedException;

/** The HTTP status the API answers each refusal of the core with: where the core's reasons become transport words. */
final class RefusalStatus {
  private RefusalStatus() {}

  static int of(FailbackRefusedException.Reason reason) {
    return switch (reason) {
      case NO_SUCH_PAIR -> 404;
      case POLICY_FORBIDS, NOT_BOTH_HEALTHY, ROLES_CHANGED -> 409;
      case NOT_ACTING -> 503;
    };
  }

  static int of(JobRefusedException.Reason reason) {
    return switch (reason) {
      case MALFORMED_COMMAND, RECORDER_REFUSED -> 400;
      case NO_SUCH_RECORDER -> 404;
      case RECORDER_BUSY -> 409;
      // The request was fine; the recorder behind the Manager failed it.
      case RECORDER_UNREACHABLE, RECORDER_FAULT -> 502;
    };
  }
}
