#include "shm.h"

#include "profile/vmpath.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

static int create(const char *path)
{
	return open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
}

/* One of QEMU's user's own, left by a run that was killed: that user's to
 * lose; anything else is someone else's and stays. Unlinking in sticky
 * /dev/shm removes the name only, whatever it is by then. */
static int take_stale(const char *path, const struct identity *id, struct pl_err *err)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return err_set(err, errno, "%s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode) || (st.st_uid != id->uid && st.st_uid != 0))
		return err_set(err, EEXIST,
			       "%s exists and belongs to uid %u: another user made it first; "
			       "remove it (rm %s) before starting the VM",
			       path, (unsigned)st.st_uid, path);
	unlink(path);
	return 0;
}

int shm_prepare(const struct profile *p, const struct identity *id, struct journal *j,
		struct pl_err *err)
{
	_cleanup_free_ char *path = vmpath_looking_glass(p->vm.name);
	_cleanup_close_ int fd = -1;
	int r = 0;

	if (p->display.looking_glass != LG_SHM)
		return 0;
	fd = create(path);
	if (fd < 0 && errno == EEXIST && (r = take_stale(path, id, err)) == 0)
		fd = create(path);
	if (fd < 0)
		return err_is_set(err)
			   ? -EEXIST
			   : err_set(err, errno, "cannot create %s: %s", path, strerror(errno));
	/* Journaled once it is ours, not before: the entry removes it by name.
	 * One left by a crash in between is root's, and taken next time. */
	r = journal_created(j, path, err);
	if (r < 0) {
		unlink(path);
		return r;
	}
	if (id->drop && fchown(fd, id->uid, id->gid) < 0)
		return err_set(err, errno, "cannot give %s to %s: %s", path, id->name,
			       strerror(errno));
	return 0;
}
