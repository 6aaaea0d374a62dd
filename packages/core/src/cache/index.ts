export {
  type CacheNamespace,
  type CacheRedis,
  type KeyPart,
  type NamespaceOptions,
  namespace,
  type ReadThroughOptions,
} from "./namespace.ts";
