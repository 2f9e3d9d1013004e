// The package ships no types; camunda-client.ts gives the part we use a typed face.
declare module 'camunda-external-task-client-js';
