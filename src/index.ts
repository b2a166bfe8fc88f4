// Public exports of `async-repool`.
export {};
