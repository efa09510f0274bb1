/* Who may open a file besides its owner: its mode and its POSIX ACL, read
 * and set through an O_PATH descriptor (a device node is never opened). */
#ifndef PASSLAUNCH_NODE_ACCESS_H
#define PASSLAUNCH_NODE_ACCESS_H

#include <sys/types.h>

/* The file's system.posix_acl_access in hex; NULL when it has none. */
char *node_acl_hex(int fd);
/* MODE (permission bits) and the ACL ACL_HEX ("-": none) back on the file. */
int node_access_restore(int fd, unsigned mode, const char *acl_hex);
/* Asks udev to apply its rules to the character device RDEV again (a
 * "change" uevent): the seat's ACL (uaccess) becomes the seat's as it is
 * now, which may have passed to another user while the node was lent. */
int node_rules_apply(dev_t rdev);

#endif
