/* What the guest's CPU shows: Hyper-V enlightenments chosen by name, the
 * Hyper-V vendor id, and any other -cpu property, read from [cpu]. */
#ifndef PASSLAUNCH_CPU_FEATURES_H
#define PASSLAUNCH_CPU_FEATURES_H

/* hyperv = yes: the enlightenments for Windows guests, in dependency order
 * (stimer needs synic and time; synic needs vpindex), as QEMU names them. */
extern const char hyperv_default_flags[];

/* hyperv = yes | no | LIST ("relaxed, vapic, spinlocks=0x1fff, ..."): each
 * name known, each one's dependencies in the list; FIELD is the profile. */
int value_hyperv(const char *text, void *field, char *why);
/* hyperv_vendor_id = at most 12 characters, as Hyper-V's vendor id has. */
int value_hyperv_vendor(const char *text, void *field, char *why);
/* flags = "+invtsc, -hypervisor, l3-cache=on, ...": +F is F=on, -F is
 * F=off; FIELD is a struct strv. */
int value_cpu_flags(const char *text, void *field, char *why);

#endif
