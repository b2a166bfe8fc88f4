// The official driver ships its protocol numbers as a generated CommonJS module without
// type declarations; this describes the part we read.
declare module 'rethinkdb/proto-def.js' {
  const protoDef: {
    VersionDummy: { Version: Record<string, number>; Protocol: Record<string, number> };
    Query: { QueryType: Record<string, number> };
    Response: {
      ResponseType: Record<string, number>;
      ErrorType: Record<string, number>;
      ResponseNote: Record<string, number>;
    };
    Term: { TermType: Record<string, number> };
  };
  export default protoDef;
}
