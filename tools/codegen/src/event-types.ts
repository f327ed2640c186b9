import { fromBinary } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema, type FileDescriptorProto } from '@bufbuild/protobuf/wkt';

/**
 * Event types come from the protos: every message of a `<service>_events.proto` whose leading
 * comment says `Subject: govern.<service>.<resource>.<verb>` becomes an `EventType`
 * (`MerchantRemovedEvent`) in the contracts lib, and the list of them (`merchantAccessEvents`).
 * The subject is written once, next to the message it names, and checked against the rule here.
 */

/** Irregular past tenses a subject may end with; regular ones end in -ed. */
const IRREGULAR_PAST = new Set(['paid', 'sent', 'held', 'made', 'set', 'sold', 'won', 'lost', 'given', 'taken', 'written', 'begun', 'built', 'bought', 'kept', 'told']);
const SNAKE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;

/** Why `subject` breaks `govern.<servicePackage>.<resource>.<past-tense-verb>`, or undefined when it keeps it. */
export const eventSubjectProblem = (subject: string, servicePackage: string): string | undefined => {
  const parts = subject.split('.');
  if (parts.length !== 4 || parts[0] !== 'govern') return `"${subject}" is not govern.<service>.<resource>.<verb>`;
  const [, service, resource, verb] = parts as [string, string, string, string];
  if (service !== servicePackage) return `"${subject}" is published by ${servicePackage}, so it must start with govern.${servicePackage}.`;
  if (!SNAKE.test(resource)) return `resource "${resource}" of "${subject}" is not snake_case`;
  if (!SNAKE.test(verb)) return `verb "${verb}" of "${subject}" is not snake_case`;
  // The verb names something that happened: a past tense, possibly with an object or particle
  // after it (`merchant_nudged`, `platform_stepped_in`, `buyer_told`).
  const isPast = (word: string): boolean => word.endsWith('ed') || IRREGULAR_PAST.has(word);
  if (!verb.split('_').some(isPast)) return `verb "${verb}" of "${subject}" is not in the past tense (something that happened)`;
  return undefined;
};

export interface EventDeclaration {
  message: string;
  typeName: string;
  subject: string;
  /** The generated module of the message, relative to the lib's src/gen (`govern/content/v1/content_events`). */
  module: string;
}

/** The envelope every event carries (`meta`). */
const EVENT_META = '.govern.common.v1.EventMeta';

/** Path of a message within a FileDescriptorProto's source info: field 4 (message_type), then its index. */
const MESSAGE_TYPE_FIELD = 4;

const leadingComment = (file: FileDescriptorProto, messageIndex: number): string =>
  file.sourceCodeInfo?.location.find((l) => l.path.length === 2 && l.path[0] === MESSAGE_TYPE_FIELD && l.path[1] === messageIndex)?.leadingComments ?? '';

/**
 * The events declared in the `*_events.proto` files of `servicePackage` in a FileDescriptorSet
 * (with source info). Throws listing every message whose subject is missing or breaks the rule.
 */
export const eventDeclarations = (descriptorSet: Uint8Array, servicePackage: string): EventDeclaration[] => {
  const files = fromBinary(FileDescriptorSetSchema, descriptorSet).file.filter(
    (f) => f.package === `govern.${servicePackage}.v1` && f.name.endsWith('_events.proto'),
  );
  const declarations: EventDeclaration[] = [];
  const problems: string[] = [];
  for (const file of files) {
    file.messageType.forEach((message, index) => {
      // `Subject: govern.x.y.z` on a line of its own or at the end of the comment's sentence.
      const subject = /\bSubject:\s*([a-z0-9_.]*[a-z0-9_])/.exec(leadingComment(file, index))?.[1];
      // A message with the event envelope is an event and needs its subject; others are parts of events.
      const isEvent = message.field.some((f) => f.typeName === EVENT_META);
      if (subject === undefined) {
        if (isEvent) problems.push(`${file.name} ${message.name}: carries ${EVENT_META.slice(1)} but its comment names no "Subject: govern.${servicePackage}.<resource>.<verb>"`);
        return;
      }
      const problem = eventSubjectProblem(subject, servicePackage);
      if (problem) problems.push(`${file.name} ${message.name}: ${problem}`);
      declarations.push({ message: message.name, typeName: `${file.package}.${message.name}`, subject, module: file.name.replace(/\.proto$/, '') });
    });
  }
  const subjects = declarations.map((d) => d.subject);
  for (const [i, subject] of subjects.entries()) if (subjects.indexOf(subject) !== i) problems.push(`subject ${subject} names two events`);
  if (problems.length > 0) throw new Error(`event subjects of govern.${servicePackage}:\n  ${problems.join('\n  ')}`);
  return declarations;
};

/** Source of `src/gen/events.ts` of a service's contracts lib. */
export const eventTypesModule = (declarations: readonly EventDeclaration[], listName: string, serviceName: string): string => {
  const byModule = new Map<string, string[]>();
  for (const d of declarations) byModule.set(d.module, [...(byModule.get(d.module) ?? []), d.message]);
  return [
    '// Code generated by tools/codegen/src/generate-contracts.ts from the `Subject:` comments of the events protos. DO NOT EDIT.',
    "import { defineEventType } from '@govern/contracts-common';",
    ...[...byModule].map(([module, messages]) => `import { ${messages.join(', ')} } from './${module}';`),
    '',
    ...declarations.map((d) => `export const ${d.message}Event = defineEventType<${d.message}>('${d.typeName}', '${d.subject}', ${d.message});`),
    '',
    `/** Every event type ${serviceName} publishes. */`,
    `export const ${listName} = [${declarations.map((d) => `${d.message}Event`).join(', ')}] as const;`,
    '',
  ].join('\n');
};
