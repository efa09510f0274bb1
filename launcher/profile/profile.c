#include "profile.h"

#include "base/size.h"

void profile_init_defaults(struct profile *p)
{
	*p = (struct profile){0};
	p->vm.stop_timeout = 120;
	p->vm.clock = CLOCK_LOCALTIME;
	p->qemu.binary = xstrdup("/usr/bin/qemu-system-x86_64");
	p->qemu.accel = ACCEL_AUTO;
	p->qemu.machine = xstrdup("q35");
	p->firmware.type = FW_OVMF;
	p->cpu.model = xstrdup("host");
	p->cpu.sockets = 1;
	p->cpu.dies = 1;
	p->cpu.cores = 2;
	p->cpu.threads = 1;
	p->cpu.hyperv = true;
	p->vm.hpet = true;
	p->memory.size = 4 * GiB;
	p->memory.node = -1;
	p->memory.prealloc = TRI_AUTO;
	p->vm.ps2 = true;
	p->vm.rtc_tick = TICK_DELAY;
	p->vm.usb = TRI_AUTO;
	p->audio.mixing = true;
	p->memory.merge = true;
	p->display.width = 1920;
	p->display.height = 1080;
	p->hooks.timeout = 60;
	p->sandbox.seccomp = true;
}

static void free_key_lines(struct key_line *lines, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(lines[i].section);
		free(lines[i].key);
	}
	free(lines);
}

static void free_devices(struct profile *p)
{
	for (size_t i = 0; i < p->n_gpus; i++) {
		free(p->gpus[i].ref.label);
		free(p->gpus[i].rom);
		for (size_t fn = 0; fn < 8; fn++)
			free(p->gpus[i].function_rom[fn]);
		free(p->gpus[i].host_driver);
		free(p->gpus[i].reset_method);
	}
	for (size_t i = 0; i < p->n_pcis; i++) {
		free(p->pcis[i].ref.label);
		free(p->pcis[i].rom);
	}
	for (size_t i = 0; i < p->n_disks; i++) {
		free(p->disks[i].serial);
		free(p->disks[i].model);
		free(p->disks[i].vendor);
		free(p->disks[i].product);
		free(p->disks[i].ref.label);
		free(p->disks[i].source);
	}
	for (size_t i = 0; i < p->n_cdroms; i++) {
		free(p->cdroms[i].ref.label);
		free(p->cdroms[i].source);
	}
	for (size_t i = 0; i < p->n_nets; i++) {
		free(p->nets[i].ref.label);
		free(p->nets[i].bridge);
		free(p->nets[i].link);
		free(p->nets[i].ifname);
	}
	for (size_t i = 0; i < p->n_usbs; i++)
		free(p->usbs[i].ref.label);
	for (size_t i = 0; i < p->n_inputs; i++) {
		free(p->inputs[i].ref.label);
		free(p->inputs[i].evdev);
		free(p->inputs[i].grab_toggle);
	}
	free(p->gpus);
	free(p->pcis);
	free(p->disks);
	free(p->cdroms);
	free(p->nets);
	free(p->usbs);
	free(p->inputs);
}

void profile_free(struct profile *p)
{
	free(p->path);
	free(p->untrusted_why);
	free(p->vm.name);
	free(p->vm.user);
	free(p->vm.state_dir);
	free(p->qemu.binary);
	free(p->display.password_file);
	free(p->qemu.machine);
	strv_free(&p->qemu.extra_args);
	free(p->firmware.code);
	free(p->firmware.vars_template);
	free(p->firmware.vars);
	free(p->audio.server);
	free(p->audio.client_name);
	free(p->audio.output);
	free(p->audio.input);
	free(p->cpu.model);
	for (size_t i = 0; i < SMBIOS_FIELDS; i++)
		free(p->smbios.field[i]);
	free(p->cpu.hyperv_list);
	free(p->cpu.hyperv_vendor);
	strv_free(&p->cpu.flags);
	cpulist_free(&p->cpu.vcpu_pin);
	cpulist_free(&p->cpu.emulator_pin);
	cpulist_free(&p->cpu.iothread_pin);
	free(p->cpu.governor);
	strv_free(&p->hooks.use);
	free(p->hooks.dir);
	free_devices(p);
	free_key_lines(p->lines, p->n_lines);
	free_key_lines(p->sections, p->n_sections);
	*p = (struct profile){0};
}

bool profile_pins_auto(const struct profile *p)
{
	return p->cpu.vcpu_pin_auto || p->cpu.emulator_pin_auto || p->cpu.iothread_pin_auto;
}

int profile_key_line(const struct profile *p, const char *section, const char *key)
{
	for (size_t i = 0; i < p->n_lines; i++)
		if (streq(p->lines[i].section, section) && streq(p->lines[i].key, key))
			return p->lines[i].line;
	return 0;
}

int profile_section_line(const struct profile *p, const char *section)
{
	for (size_t i = 0; i < p->n_sections; i++)
		if (streq(p->sections[i].section, section))
			return p->sections[i].line;
	return 0;
}

unsigned profile_vcpus(const struct profile *p)
{
	return p->cpu.sockets * p->cpu.dies * p->cpu.cores * p->cpu.threads;
}

bool profile_has_sound_card(const struct profile *p)
{
	return p->audio.backend != AUDIO_NONE || profile_key_line(p, "audio", "device");
}

uint64_t profile_looking_glass_size(const struct profile *p)
{
	unsigned pixel = p->display.looking_glass_hdr ? 8 : 4;
	uint64_t need = (uint64_t)p->display.width * p->display.height * pixel * 2 + 10 * MiB;
	uint64_t size = MiB;

	while (size < need)
		size <<= 1;
	return size;
}

bool profile_gpu_rombar(const struct profile_gpu *g, unsigned fn)
{
	if (fn < 8 && g->function_rombar[fn] != TRI_AUTO)
		return g->function_rombar[fn] == TRI_YES;
	return g->rombar;
}

const char *profile_gpu_rom(const struct profile_gpu *g, unsigned fn)
{
	if (fn == g->address.func && g->rom)
		return g->rom;
	return fn < 8 ? g->function_rom[fn] : NULL;
}

const char *profile_gpu_rom_key(const struct profile_gpu *g, unsigned fn, char *buf, size_t len)
{
	if (fn == g->address.func && g->rom)
		snprintf(buf, len, "rom");
	else
		snprintf(buf, len, "rom.%u", fn);
	return buf;
}

bool machine_is_q35(const char *machine)
{
	return streq(machine, "q35") || str_has_prefix(machine, "pc-q35-");
}

bool machine_is_i440fx(const char *machine)
{
	return streq(machine, "pc") || (str_has_prefix(machine, "pc-") && !machine_is_q35(machine));
}

bool profile_usb_controller(const struct profile *p)
{
	bool usb = p->n_usbs || (profile_has_sound_card(p) && p->audio.device == SOUND_USB) ||
		   p->display.usb_redirect;

	if (p->vm.usb != TRI_AUTO)
		return p->vm.usb == TRI_YES;
	for (size_t i = 0; i < p->n_inputs; i++)
		usb |= p->inputs[i].device == INPUT_USB_KEYBOARD ||
		       p->inputs[i].device == INPUT_USB_MOUSE ||
		       p->inputs[i].device == INPUT_USB_TABLET;
	return usb;
}
