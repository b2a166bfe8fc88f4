// PLACEHOLDER (replaced by the evaluator work): the in-memory store of databases, tables
// and documents shared by every connection of a server (and every node of a test cluster).
export class Store {}
