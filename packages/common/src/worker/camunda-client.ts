/**
 * Typed facade over camunda-external-task-client-js, which ships ESM only and no types.
 * Our packages compile to CommonJS with `module: node16`, so TypeScript keeps the
 * `import()` below as a real dynamic import and Node loads the ESM package at run time.
 */

export interface CamundaVariables {
  getAll(): Record<string, unknown>;
  setAll(values: Record<string, unknown>): CamundaVariables;
}

export interface CamundaTask {
  id: string;
  topicName: string;
  workerId: string;
  processInstanceId: string;
  processDefinitionKey?: string;
  activityId: string;
  activityInstanceId: string;
  businessKey?: string | null;
  retries?: number | null;
  variables: CamundaVariables;
}

export interface CamundaTaskService {
  complete(task: CamundaTask, variables?: CamundaVariables): Promise<void>;
  handleFailure(
    task: CamundaTask,
    options: { errorMessage: string; errorDetails?: string; retries: number; retryTimeout: number },
  ): Promise<void>;
  handleBpmnError(
    task: CamundaTask,
    errorCode: string,
    errorMessage?: string,
    variables?: CamundaVariables,
  ): Promise<void>;
  unlock(task: CamundaTask): Promise<void>;
  extendLock(task: CamundaTask, newDuration: number): Promise<void>;
}

export type RequestInterceptor = (config: Record<string, unknown>) => Record<string, unknown>;

export interface CamundaClientOptions {
  baseUrl: string;
  workerId: string;
  maxTasks: number;
  maxParallelExecutions: number;
  lockDuration: number;
  asyncResponseTimeout: number;
  usePriority: boolean;
  interval: number;
  autoPoll: false;
  interceptors?: RequestInterceptor[];
}

/** The body of POST /external-task/fetchAndLock; the client adds its worker id. */
export interface FetchAndLockRequest {
  maxTasks: number;
  topics: { topicName: string; lockDuration: number }[];
  asyncResponseTimeout?: number;
}

export interface CamundaClient {
  /** The client's own REST calls to the engine (with its worker id and interceptors). */
  engineService: { fetchAndLock(request: FetchAndLockRequest): Promise<unknown[]> };
  subscribe(
    topic: string,
    options: { lockDuration: number; variables?: string[] },
    handler: (args: { task: CamundaTask; taskService: CamundaTaskService }) => Promise<void>,
  ): { unsubscribe(): void };
  start(): void;
  stop(): void;
  on(event: 'poll:start', listener: () => void): this;
  on(event: 'poll:success', listener: (tasks: CamundaTask[]) => void): this;
  on(event: 'poll:error', listener: (error: Error) => void): this;
}

export interface CamundaClientModule {
  Client: new (options: CamundaClientOptions) => CamundaClient;
  Variables: new () => CamundaVariables;
  /** Returns an interceptor that adds `Authorization: Basic …` to every request. */
  BasicAuthInterceptor: new (credentials: { username: string; password: string }) => RequestInterceptor;
}

export async function loadCamundaClient(): Promise<CamundaClientModule> {
  const mod = (await import('camunda-external-task-client-js')) as unknown as CamundaClientModule;
  return { Client: mod.Client, Variables: mod.Variables, BasicAuthInterceptor: mod.BasicAuthInterceptor };
}
