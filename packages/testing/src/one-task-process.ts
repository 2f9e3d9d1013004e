export interface OneTaskProcess {
  /** Process definition key (and the deployment's file name stem). */
  key: string;
  /** Topic of the one external task, whose activity id is `Work`. */
  topic: string;
  /** BPMN error code → the end event it leads to; the error's code and message land in `errorCode` and `errorMessage`. */
  caught?: Record<string, string>;
}

/**
 * A model for tests and benchmarks that exercise one worker topic: start → `Work` (external
 * task) → `Done`, with a boundary event per caught BPMN error. An error not listed stays uncaught,
 * so the worker has to turn it into an incident.
 */
export function oneTaskProcess({ key, topic, caught = {} }: OneTaskProcess): string {
  const errors = Object.entries(caught).map(([code, end], i) => ({ code, end, ref: `Err${i}` }));
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="D-${key}" targetNamespace="https://otus.ru/test">
  ${errors.map((e) => `<bpmn:error id="${e.ref}" name="${e.code}" errorCode="${e.code}" />`).join('\n  ')}
  <bpmn:process id="${key}" isExecutable="true" camunda:historyTimeToLive="P1D">
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="ToWork" sourceRef="Start" targetRef="Work" />
    <bpmn:serviceTask id="Work" camunda:type="external" camunda:topic="${topic}" />
    <bpmn:sequenceFlow id="ToDone" sourceRef="Work" targetRef="Done" />
    <bpmn:endEvent id="Done" />
    ${errors
      .map(
        (e) => `<bpmn:boundaryEvent id="On${e.ref}" attachedToRef="Work">
      <bpmn:errorEventDefinition errorRef="${e.ref}" camunda:errorCodeVariable="errorCode" camunda:errorMessageVariable="errorMessage" />
    </bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="To${e.ref}" sourceRef="On${e.ref}" targetRef="${e.end}" />
    <bpmn:endEvent id="${e.end}" />`,
      )
      .join('\n    ')}
  </bpmn:process>
</bpmn:definitions>`;
}
