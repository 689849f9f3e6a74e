/** Exit codes of the `borde` CLI: scripts depend on them. */
export const EXIT_OK = 0;
/** The work failed: bad model, failed verification, unsupported ops. */
export const EXIT_FAILURE = 1;
/** The command line itself is wrong: unknown command or option, missing argument. */
export const EXIT_USAGE = 2;
