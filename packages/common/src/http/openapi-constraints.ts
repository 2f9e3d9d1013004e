import { type INestApplication, ParseUUIDPipe, type Type } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import type { NestContainer } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { getMetadataStorage, ValidationTypes } from 'class-validator';

type Schema = Record<string, unknown>;

/** class-validator's checks as JSON Schema keywords; those without an exact equivalent are left out. */
const KEYWORDS: Record<string, (constraints: unknown[]) => Schema> = {
  isLength: ([min, max]) => ({ minLength: min, ...(typeof max === 'number' ? { maxLength: max } : {}) }),
  minLength: ([min]) => ({ minLength: min }),
  maxLength: ([max]) => ({ maxLength: max }),
  min: ([min]) => ({ minimum: min }),
  max: ([max]) => ({ maximum: max }),
  isInt: () => ({ type: 'integer' }),
  isUuid: () => ({ format: 'uuid' }),
  // A pattern with flags (\p{L} needs `u`) has no JSON Schema spelling: the description says it.
  matches: ([pattern]) => (pattern instanceof RegExp && !pattern.flags ? { pattern: pattern.source } : {}),
  arrayMinSize: ([min]) => ({ minItems: min }),
  arrayMaxSize: ([max]) => ({ maxItems: max }),
};

/** @nestjs/swagger's metadata keys for @ApiProperty: the names (`:name`), and each one's options. */
const MODEL_PROPERTIES_ARRAY = 'swagger/apiModelPropertiesArray';
const MODEL_PROPERTIES = 'swagger/apiModelProperties';
const BUILT_IN = new Set<Type>([String, Number, Boolean, Object, Array, Date]);

/**
 * Adds each DTO's validation limits (lengths, ranges, patterns, integers, uuids) to its schema, and
 * `format: uuid` to path parameters parsed by ParseUUIDPipe, so the document says what will be
 * refused; what @ApiProperty says stays.
 */
export function withValidationConstraints(app: INestApplication, document: OpenAPIObject): OpenAPIObject {
  const schemas = (document.components?.schemas ?? {}) as Record<string, Schema>;
  const classes = dtoClassesByName(app);
  const uuidParams = uuidPathParams(app);
  for (const [name, schema] of Object.entries(schemas)) {
    const target = classes.get(name);
    const properties = schema.properties as Record<string, Schema> | undefined;
    if (!target || !properties) continue;
    const metadata = getMetadataStorage().getTargetValidationMetadatas(target, '', true, false);
    for (const rule of metadata) {
      const keywords =
        rule.type === ValidationTypes.CUSTOM_VALIDATION && rule.name
          ? KEYWORDS[rule.name]?.(rule.constraints ?? [])
          : undefined;
      const property = properties[rule.propertyName];
      if (!keywords || !property || '$ref' in property || 'allOf' in property) continue;
      const into = rule.each ? (property.items as Schema | undefined) : property;
      if (!into || '$ref' in into) continue;
      for (const [key, value] of Object.entries(keywords)) {
        if (into[key] === undefined || (key === 'type' && into.type === 'number')) into[key] = value;
      }
    }
  }
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item) as { operationId?: string; parameters?: Schema[] }[]) {
      const uuids = uuidParams.get(operation?.operationId ?? '');
      for (const parameter of operation?.parameters ?? []) {
        if (parameter.in === 'path' && uuids?.has(parameter.name as string)) {
          parameter.schema = { ...(parameter.schema as Schema), format: 'uuid' };
        }
      }
    }
  }
  return document;
}

/** Path parameters parsed by ParseUUIDPipe, by operation id (swagger's `<Controller>_<method>`). */
function uuidPathParams(app: INestApplication): Map<string, Set<string>> {
  const found = new Map<string, Set<string>>();
  for (const [controller, method] of routeHandlers(app)) {
    const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) ?? {}) as Record<
      string,
      { data?: unknown; pipes?: unknown[] }
    >;
    for (const { data, pipes } of Object.values(args)) {
      if (typeof data !== 'string' || !pipes?.some((p) => p === ParseUUIDPipe || p instanceof ParseUUIDPipe)) continue;
      const id = `${controller.name}_${method}`;
      found.set(id, (found.get(id) ?? new Set()).add(data));
    }
  }
  return found;
}

/** Every controller method, as [controller class, method name]. */
function routeHandlers(app: INestApplication): [Type, string][] {
  const container = (app as unknown as { container: NestContainer }).container;
  const handlers: [Type, string][] = [];
  for (const module of container.getModules().values()) {
    for (const { metatype } of module.controllers.values()) {
      if (!metatype?.prototype) continue;
      for (const method of Object.getOwnPropertyNames(metatype.prototype)) {
        if (method !== 'constructor') handlers.push([metatype as Type, method]);
      }
    }
  }
  return handlers;
}

/** The body and query DTOs of the app's routes and the classes they nest, by name (a shared name is left out). */
function dtoClassesByName(app: INestApplication): Map<string, Type> {
  const found = new Map<string, Type>();
  const shared = new Set<string>();
  const visit = (type: unknown): void => {
    if (typeof type !== 'function' || !type.name || BUILT_IN.has(type as Type)) return;
    const known = found.get(type.name);
    if (known === type) return;
    if (known) shared.add(type.name);
    found.set(type.name, type as Type);
    const proto = (type as Type).prototype as object;
    const keys = (Reflect.getMetadata(MODEL_PROPERTIES_ARRAY, proto) ?? []) as string[];
    for (const key of keys) {
      const nested = (Reflect.getMetadata(MODEL_PROPERTIES, proto, key.slice(1)) as { type?: unknown } | undefined)
        ?.type;
      const resolved: unknown = Array.isArray(nested) ? nested[0] : nested;
      // Lazy types (`type: () => X`) are arrow functions: no prototype, so call them.
      visit(
        typeof resolved === 'function' && !(resolved as { prototype?: object }).prototype
          ? (resolved as () => unknown)()
          : resolved,
      );
    }
  };
  for (const [controller, method] of routeHandlers(app)) {
    ((Reflect.getMetadata('design:paramtypes', controller.prototype as object, method) ?? []) as unknown[]).forEach(
      visit,
    );
  }
  for (const name of shared) found.delete(name);
  return found;
}
