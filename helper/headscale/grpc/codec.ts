/**
 * How each call to Headscale's gRPC service is put on the wire and read back, from the pinned
 * Headscale's own description (compiled at build time, so nothing is loaded from disk at run time).
 *
 * Answers can be read through a view: the description with every field we do not read left out.
 * protobuf skips unknown fields without building them, so a listing of thousands of nodes costs
 * no strings, keys or host details that nobody looks at.
 */
import protobuf from "protobufjs";
import { HEADSCALE_API, type HeadscaleMethod } from "./headscale-api.generated.js";

const PACKAGE = "headscale.v1";
const SERVICE = `${PACKAGE}.HeadscaleService`;

/** Message name → the fields to keep; messages not named keep every field. */
export type View = Readonly<Record<string, readonly string[]>>;

export interface Codec {
  /** The gRPC path, e.g. /headscale.v1.HeadscaleService/ListNodes. */
  readonly path: string;
  encode(request: object): Buffer;
  /** lowerCamelCase fields, 64-bit numbers as numbers, enums by name, empty fields left out. */
  decode(bytes: Buffer): unknown;
}

// 64-bit numbers as plain numbers: ids and Unix seconds fit in 53 bits.
const READ_AS = { longs: Number, enums: String, oneofs: true } as const;

function rootOf(view: View | undefined): protobuf.Root {
  if (!view) return protobuf.Root.fromJSON(HEADSCALE_API as protobuf.INamespace);
  const api = structuredClone(HEADSCALE_API) as { nested: Record<string, protobuf.INamespace> };
  const messages = (api.nested.headscale!.nested!.v1 as protobuf.INamespace).nested!;
  for (const [name, keep] of Object.entries(view)) {
    const message = messages[name] as protobuf.IType | undefined;
    if (!message?.fields) throw new Error(`no message ${name} in Headscale's API`);
    for (const field of keep) if (!(field in message.fields)) throw new Error(`no field ${name}.${field}`);
    for (const field of Object.keys(message.fields)) if (!keep.includes(field)) delete message.fields[field];
  }
  return protobuf.Root.fromJSON(api as protobuf.INamespace);
}

let full: protobuf.Root | undefined;
const fullRoot = () => (full ??= rootOf(undefined));

/** Whether a message holds, at any depth, one of the named messages. */
function holds(type: protobuf.Type, names: ReadonlySet<string>, seen = new Set<protobuf.Type>()): boolean {
  if (seen.has(type)) return false;
  seen.add(type);
  return type.fieldsArray.some((field) => {
    const inner = field.resolve().resolvedType;
    return inner instanceof protobuf.Type && (names.has(inner.name) || holds(inner, names, seen));
  });
}

/** The codecs of every method, answers read through `view` (everything, without one). */
export function codecs(view?: View): (method: HeadscaleMethod) => Codec {
  let answers: protobuf.Root | undefined;
  const viewRoot = () => (answers ??= view ? rootOf(view) : fullRoot());
  const pruned = new Set(Object.keys(view ?? {}));
  const made = new Map<HeadscaleMethod, Codec>();
  return (method) => {
    let codec = made.get(method);
    if (!codec) {
      const rpc = viewRoot().lookupService(SERVICE).methods[method];
      if (!rpc) throw new Error(`Headscale's API has no method ${method}`);
      // Requests go out whole: one that held a pruned message would lose fields, so it takes the
      // full description (none does in 0.29, so the helper never builds that one).
      let request = viewRoot().lookupType(`${PACKAGE}.${rpc.requestType}`);
      if (holds(request, pruned)) request = fullRoot().lookupType(`${PACKAGE}.${rpc.requestType}`);
      const answer = viewRoot().lookupType(`${PACKAGE}.${rpc.responseType}`);
      codec = {
        path: `/${SERVICE}/${method}`,
        encode: (value) => {
          const bytes = request.encode(request.fromObject(value)).finish();
          return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength); // a view, not a copy
        },
        decode: (bytes) => answer.toObject(answer.decode(bytes), READ_AS),
      };
      made.set(method, codec);
    }
    return codec;
  };
}
