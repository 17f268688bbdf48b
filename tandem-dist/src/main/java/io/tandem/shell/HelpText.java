package io.tandem.shell;

/** The texts of {@code help} and {@code help rebuild}. Stateless. */
final class HelpText {
  static final String SYNTAX = "Rebuild (Full|Fix) [IncMasterCalls [IncSlaveCalls [StartTime [EndTime]]]]";

  private HelpText() {}

  static String commands() {
    return String.join("\n",
        "Commands (keywords ignore case):",
        "  help                 this list",
        "  help rebuild         syntax, arguments, defaults and effects of Rebuild",
        "  status               role, epoch, call buffer and Workflow of the recorder",
        "  " + SYNTAX,
        "                       rebuild the recorder's Workflow from its call buffer",
        "  quit, exit           leave WorkflowShell");
  }

  /** Help on Rebuild; {@code timeZone} is the recorder's zone in force, or a sentence saying why it is unknown. */
  static String rebuild(String timeZone) {
    return String.join("\n",
        SYNTAX,
        "",
        "  Fix             adds every matching INUM of the call buffer that is not in the Workflow, and",
        "                  consolidates it automatically: marked into the database, made available for",
        "                  replay, and considered for archive under the current archive rules.",
        "                  INUMs already in the Workflow are not touched.",
        "  Full            clears the Workflow and adds every matching INUM, awaiting reprocess: nothing",
        "                  is marked until the Recorder Manager reprocesses a call date range.",
        "                  Calls are still taken while it runs; a Full cut by a stop or a crash is",
        "                  finished by the recorder when it starts again.",
        "  IncMasterCalls  true or false: include calls recorded as primary (default true)",
        "  IncSlaveCalls   true or false: include calls recorded as secondary (default true)",
        "  StartTime       include calls that start at or after it (default: the oldest call in the buffer)",
        "  EndTime         include calls that start before it (default: now)",
        "",
        "Times are " + CommandTime.FORMAT + ": year, month, day, hour, minute, seconds,",
        "and optionally a fraction of up to four digits (ten thousandths of a second).",
        "They are local times in the recorder's time zone: " + timeZone + ".",
        "A call matches when StartTime <= its start < EndTime and its role is included.",
        "",
        "Example: Rebuild Fix true true 20261126143000 20261126150000.5000");
  }
}
