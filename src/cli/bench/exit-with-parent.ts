// Preloaded (node --import) into the test server that the bench starts: the server exits
// when the bench's end of its stdin pipe closes. That happens however the bench ends, even
// by SIGKILL, so a killed bench (or test runner) never leaves a server behind.
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
// Watching stdin must not keep the server alive once it stops on its own (SIGTERM).
(process.stdin as { unref?: () => void }).unref?.();

export {};
