import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MODULE_METADATA } from '@nestjs/common/constants';
import { BPMN_ERRORS, CONTRACT_PROCESS_KEY, MESSAGES, TaskHandler, TOPICS } from '@otus/common';
import { XMLParser } from 'fast-xml-parser';
import { ContractWorkerModule } from '../../services/contract/src/worker/contract-worker.module';
import { CourseWorkerModule } from '../../services/course/src/worker/course-worker.module';
import { NotificationWorkerModule } from '../../services/notification/src/worker/notification-worker.module';
import { PromoWorkerModule } from '../../services/promo/src/worker/promo-worker.module';
import { UserWorkerModule } from '../../services/user/src/worker/user-worker.module';

/**
 * The BPMN and the code name the same things: every external-task topic of the model has
 * exactly one handler registered in a service's worker module (and no handler waits on a topic
 * the model never uses), the model's messages are the ones the contract service correlates, and
 * the error codes it catches are BPMN_ERRORS, the ones handlers throw as BpmnError.
 * A renamed topic would otherwise leave process instances waiting with no worker.
 */
const ROOT = join(__dirname, '../..');
const MODEL = join(ROOT, 'bpmn/contract-conclusion.bpmn');

/** Every value of the attribute `name` found anywhere below `node`, with the element it sits on. */
function collect(node: unknown, element: string, found: { element: string; attributes: Record<string, string> }[]) {
  if (Array.isArray(node)) {
    for (const item of node) collect(item, element, found);
  } else if (node && typeof node === 'object') {
    const attributes = Object.fromEntries(
      Object.entries(node).filter(([key, value]) => key.startsWith('@_') && typeof value === 'string'),
    ) as Record<string, string>;
    if (Object.keys(attributes).length > 0) found.push({ element, attributes });
    for (const [key, child] of Object.entries(node)) if (!key.startsWith('@_')) collect(child, key, found);
  }
  return found;
}

const elements = collect(
  new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_' }).parse(readFileSync(MODEL, 'utf8')),
  'root',
  [],
);

const WORKER_MODULES = {
  user: UserWorkerModule,
  course: CourseWorkerModule,
  promo: PromoWorkerModule,
  contract: ContractWorkerModule,
  notification: NotificationWorkerModule,
};

/** Handlers registered in each service's worker module, read from Nest's module metadata. */
function registeredHandlers(): { service: string; topic: string; handler: string }[] {
  return Object.entries(WORKER_MODULES).flatMap(([service, module]) =>
    ((Reflect.getMetadata(MODULE_METADATA.PROVIDERS, module) ?? []) as { name: string }[]).flatMap((provider) => {
      const topic = Reflect.getMetadata(TaskHandler.KEY, provider) as string | undefined;
      return topic ? [{ service, topic, handler: provider.name }] : [];
    }),
  );
}

describe('the process model and the code', () => {
  const modelTopics = new Set(elements.map((e) => e.attributes['@_camunda:topic']).filter(Boolean));
  const handlers = registeredHandlers();

  it('the model is the contract-conclusion process', () => {
    const processes = elements.filter((e) => e.element === 'bpmn:process').map((e) => e.attributes['@_id']);
    expect(processes).toEqual([CONTRACT_PROCESS_KEY]);
  });

  it('every topic of the model is in TOPICS, and every one of TOPICS is used by the model', () => {
    expect([...modelTopics].sort()).toEqual(Object.values(TOPICS).sort());
  });

  it('every topic has exactly one registered handler, in the service its prefix names', () => {
    expect(handlers.length).toBeGreaterThanOrEqual(modelTopics.size); // the probe found the modules
    for (const topic of modelTopics) {
      const owners = handlers.filter((h) => h.topic === topic);
      expect({ topic, owners: owners.map((h) => `${h.service}/${h.handler}`) }).toEqual({
        topic,
        owners: [`${topic.split('.')[0]}/${owners[0]?.handler}`],
      });
    }
    expect(handlers.filter((h) => !modelTopics.has(h.topic))).toEqual([]);
  });

  it('the messages the model waits for are the ones the contract service sends', () => {
    const declared = elements.filter((e) => e.element === 'bpmn:message').map((e) => e.attributes['@_name']);
    expect(declared.sort()).toEqual(Object.values(MESSAGES).sort());
    // Each declared message is caught somewhere: a message nobody waits for would never correlate.
    const ids = new Set(elements.filter((e) => e.element === 'bpmn:message').map((e) => e.attributes['@_id']));
    const caught = new Set(elements.map((e) => e.attributes['@_messageRef']).filter(Boolean));
    expect([...ids].filter((id) => !caught.has(id))).toEqual([]);
  });

  it('the error codes the model catches are BPMN_ERRORS, each caught by a boundary event', () => {
    const declared = elements.filter((e) => e.element === 'bpmn:error');
    expect(declared.map((e) => e.attributes['@_errorCode']).sort()).toEqual(Object.values(BPMN_ERRORS).sort());
    const caught = new Set(elements.map((e) => e.attributes['@_errorRef']).filter(Boolean));
    expect(declared.map((e) => e.attributes['@_id']).filter((id) => !caught.has(id))).toEqual([]);
  });
});
