/**
 * A task failure that no retry can fix, such as a setting an operator has to change first: the
 * runner reports it with no retries left, so it is an incident at once (not a BPMN error the model
 * might route to a business outcome, and not minutes of pointless retries). The message is what
 * Cockpit shows: say what is wrong and how to fix it, then retry the incident.
 */
export class IncidentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IncidentError';
  }
}
