/* Release (and `passlaunch recover` after a crash): the undo journal
 * (host/journal.h) replayed newest first; the file goes away only when
 * every entry has been undone. */
#ifndef PASSLAUNCH_UNDO_H
#define PASSLAUNCH_UNDO_H

/* Undoes every entry, newest first, going on past failures (each is
 * logged). EXTRA_ENV (or NULL) is added to each hook's environment.
 * Returns 0 and deletes the journal when all were undone; else keeps the
 * entries that failed and returns -EIO. */
int undo_replay(const char *path, char *const *extra_env);

#endif
