// Public entry of `async-repool/testing`: the embedded RethinkDB-protocol test server and
// the fault proxy, for testing pools and the code that uses them.
export {};
