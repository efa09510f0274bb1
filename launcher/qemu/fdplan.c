#include "fdplan.h"

#include "profile/vmpath.h"

static void add(struct qemu_fd_plan *plan, struct qemu_file file)
{
	file.fd = QEMU_FIRST_FD + (int)plan->n_fds;
	plan->n_fds += file.writable ? 2 : 1;
	plan->files = xreallocarray(plan->files, plan->n_files + 1, sizeof(*plan->files));
	plan->files[plan->n_files++] = file;
}

unsigned qemu_nic_taps(const struct profile_net *net)
{
	if (net->type == NET_BRIDGE)
		return net->queues;
	return net->type == NET_MACVTAP;
}

void qemu_fd_plan_make(const struct profile *p, struct qemu_fd_plan *plan)
{
	*plan = (struct qemu_fd_plan){0};
	for (size_t i = 0; i < p->n_nets; i++) {
		plan->n_taps += qemu_nic_taps(&p->nets[i]);
		plan->n_vhosts += p->nets[i].vhost ? p->nets[i].queues : 0;
	}
	plan->n_fds = plan->n_taps + plan->n_vhosts;
	if (p->firmware.type != FW_BIOS) {
		plan->vars = vmpath_vars(p);
		add(plan, (struct qemu_file){QEMU_FILE_NVRAM, 0, plan->vars, true, 0});
	}
	for (size_t i = 0; i < p->n_disks; i++)
		add(plan, (struct qemu_file){QEMU_FILE_DISK, i, p->disks[i].source,
					     !p->disks[i].readonly, 0});
	for (size_t i = 0; i < p->n_cdroms; i++)
		if (p->cdroms[i].source)
			add(plan,
			    (struct qemu_file){QEMU_FILE_CDROM, i, p->cdroms[i].source, false, 0});
	plan->qmp_fd = QEMU_FIRST_FD + (int)plan->n_fds++;
	plan->client_fd = QEMU_FIRST_FD + (int)plan->n_fds++;
	plan->serial_fd =
	    p->display.serial == SERIAL_TERMINAL ? QEMU_FIRST_FD + (int)plan->n_fds++ : -1;
}

void qemu_fd_plan_free(struct qemu_fd_plan *plan)
{
	free(plan->files);
	free(plan->vars);
	*plan = (struct qemu_fd_plan){0};
}

size_t qemu_fd_plan_find(const struct qemu_fd_plan *plan, enum qemu_file_role role, size_t index)
{
	for (size_t i = 0; i < plan->n_files; i++)
		if (plan->files[i].role == role && plan->files[i].index == index)
			return i;
	return plan->n_files;
}

unsigned qemu_file_set(size_t i)
{
	return (unsigned)i + 1;
}

char *qemu_file_role_name(const struct profile *p, const struct qemu_file *f)
{
	switch (f->role) {
	case QEMU_FILE_DISK:
		return xasprintf("[disk.%s] source", p->disks[f->index].ref.label);
	case QEMU_FILE_CDROM:
		return xasprintf("[cdrom.%s] source", p->cdroms[f->index].ref.label);
	case QEMU_FILE_NVRAM:
		break;
	}
	return xstrdup("the NVRAM");
}
