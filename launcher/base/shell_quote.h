#ifndef PASSLAUNCH_SHELL_QUOTE_H
#define PASSLAUNCH_SHELL_QUOTE_H

/* The word as a POSIX shell reads it back unchanged. Caller frees. */
char *shell_quote(const char *word);

#endif
