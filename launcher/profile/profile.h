/* The parsed profile: the v1 contract of passlaunch.ini(5) as a struct.
 * Every field holds its default until the profile sets it. */
#ifndef PASSLAUNCH_PROFILE_H
#define PASSLAUNCH_PROFILE_H

#include "rebar_spec.h"
#include "base/cpulist.h"
#include "base/pciaddr.h"
#include "base/strv.h"
#include "smbios.h"

#include <stdbool.h>
#include <stdint.h>

/* The SATA ports CD-ROMs and bus = sata disks share (q35's AHCI; IDE on
 * i440fx holds as many). */
#define SATA_PORTS 6

enum accel { ACCEL_AUTO, ACCEL_KVM, ACCEL_TCG };
enum fw_type { FW_OVMF, FW_OVMF_SECBOOT, FW_BIOS };
enum clock_base { CLOCK_LOCALTIME, CLOCK_UTC };
enum tick_policy { TICK_DISCARD, TICK_DELAY };
enum hugepages { HUGEPAGES_NO, HUGEPAGES_2M, HUGEPAGES_1G };
enum disk_format { FORMAT_AUTO, FORMAT_RAW, FORMAT_QCOW2 };
enum disk_bus { BUS_VIRTIO, BUS_SCSI, BUS_NVME, BUS_SATA };
enum disk_cache { CACHE_NONE, CACHE_WRITEBACK, CACHE_WRITETHROUGH, CACHE_DIRECTSYNC, CACHE_UNSAFE };
enum disk_aio { AIO_AUTO, AIO_IO_URING, AIO_NATIVE, AIO_THREADS };
enum net_type { NET_USER, NET_BRIDGE, NET_TAP, NET_MACVTAP, NET_NONE };
enum net_model { NIC_VIRTIO, NIC_E1000E, NIC_E1000, NIC_RTL8139 };
enum audio_backend {
	AUDIO_NONE,
	AUDIO_PIPEWIRE,
	AUDIO_PULSEAUDIO,
	AUDIO_ALSA,
	AUDIO_JACK,
	AUDIO_SPICE
};
enum audio_device { SOUND_HDA, SOUND_ICH6, SOUND_ICH9, SOUND_AC97, SOUND_USB, SOUND_VIRTIO };
enum hda_codec { CODEC_DUPLEX, CODEC_MICRO, CODEC_OUTPUT };
enum input_device {
	INPUT_EVDEV,
	INPUT_VIRTIO_KEYBOARD,
	INPUT_VIRTIO_MOUSE,
	INPUT_VIRTIO_TABLET,
	INPUT_USB_KEYBOARD,
	INPUT_USB_MOUSE,
	INPUT_USB_TABLET
};
enum watchdog { WATCHDOG_NONE, WATCHDOG_I6300ESB, WATCHDOG_ITCO };
enum serial_port { SERIAL_NO, SERIAL_TERMINAL, SERIAL_PTY, SERIAL_SOCKET };
enum mem_policy { POLICY_BIND, POLICY_PREFERRED, POLICY_INTERLEAVE };
enum detect_zeroes { ZEROES_OFF, ZEROES_ON, ZEROES_UNMAP };
enum tpm_interface { TPM_CRB, TPM_TIS };
enum gpu_release { RELEASE_HOST, RELEASE_VFIO };
enum looking_glass { LG_NO, LG_SHM, LG_KVMFR };
enum cpu_prefer { PREFER_CACHE, PREFER_FREQUENCY };
enum vcpu_sched { VCPU_SCHED_KEEP, VCPU_SCHED_OTHER, VCPU_SCHED_FIFO, VCPU_SCHED_RR };
enum display_type { DISPLAY_NONE, DISPLAY_SPICE, DISPLAY_VNC, DISPLAY_GTK };
enum video_model {
	VIDEO_AUTO,
	VIDEO_NONE,
	VIDEO_VGA,
	VIDEO_QXL,
	VIDEO_VIRTIO,
	VIDEO_RAMFB,
	VIDEO_BOCHS
};
enum tristate { TRI_AUTO = -1, TRI_NO = 0, TRI_YES = 1 };

/* Labelled sections: [KIND.LABEL]; the label is the QEMU device id. */
struct section_ref {
	char *label;
	int line;
};

struct profile_gpu {
	struct section_ref ref;
	struct pci_addr address;
	bool all_functions;
	uint8_t function_mask;	/* bit N: function N, when !all_functions */
	char *rom;		/* the address's function */
	char *function_rom[8];	/* rom.N: host function N's */
	int function_rombar[8]; /* rombar.N: enum tristate; auto: rombar's */
	bool rombar;
	bool primary;
	char *host_driver;  /* NULL: auto */
	char *reset_method; /* "bus flr" for sysfs' reset_method; NULL: auto */
	enum gpu_release release;
	struct rebar_sizes rebar; /* of the address's function; n = 0, !max: none */
};

struct profile_pci {
	struct section_ref ref;
	struct pci_addr address;
	char *rom;
	bool rombar;
	unsigned boot;
};

struct profile_disk {
	struct section_ref ref;
	char *source;
	enum disk_format format;
	enum disk_bus bus;
	enum disk_cache cache;
	enum disk_aio aio;
	int iothread; /* enum tristate */
	bool discard;
	bool readonly;
	unsigned boot; /* 0: not a boot device */
	char *serial;  /* NULL: none (nvme: its label) */
	char *model;   /* sata */
	char *vendor;  /* scsi */
	char *product; /* scsi */
	unsigned rotation_rate;
	unsigned logical_block_size, physical_block_size; /* 0: QEMU's */
	enum detect_zeroes detect_zeroes;
	unsigned queues; /* 0: QEMU's */
};

struct profile_cdrom {
	struct section_ref ref;
	char *source; /* NULL: an empty drive */
	unsigned boot;
};

struct profile_net {
	struct section_ref ref;
	enum net_type type;
	char *bridge;
	bool create_bridge; /* made for the run when missing */
	char *link;	    /* a macvtap's host interface */
	char *ifname;
	enum net_model model;
	bool vhost;	 /* the kernel's vhost-net, through a descriptor root opens */
	unsigned queues; /* multiqueue: a tap queue (and vhost) for each */
	unsigned boot;
	uint8_t mac[6];
	bool mac_set;
	bool mac_prefix_set; /* the first three bytes given, the rest derived */
};

struct profile_usb {
	struct section_ref ref;
	unsigned vendor;
	unsigned product;
	unsigned boot;
};

struct profile_input {
	struct section_ref ref;
	enum input_device device;
	char *evdev;
	bool repeat;
	bool grab_all;
	char *grab_toggle;
	/* Lent all the same when no driver can probe it again at the end of
	 * the run (host/input_reprobe.h). */
	bool allow_unrevocable;
};

struct key_line {
	char *section; /* "cpu", "gpu.main" */
	char *key;
	int line;
};

struct profile {
	char *path;
	bool trusted; /* owned by root (or the caller when not root), not writable by others */
	char *untrusted_why; /* root's walk refused it: why (NULL: trusted, or not root) */

	struct {
		char *name;
		char *user; /* NULL: the invoking user */
		char *state_dir;
		unsigned stop_timeout;
		enum clock_base clock;
		bool hpet;
		enum tick_policy pit_tick;
		enum tick_policy rtc_tick; /* discard: none; delay: slew */
		int usb; /* enum tristate: the xHCI controller; auto: with USB devices */
		bool boot_menu;
		bool s3, s4;
		bool balloon;
		bool rng;
		enum watchdog watchdog;
		bool guest_agent;
		bool ps2;
	} vm;
	struct {
		char *binary;
		enum accel accel;
		char *machine;
		struct strv extra_args;
	} qemu;
	struct {
		enum fw_type type;
		char *code;	     /* NULL: auto */
		char *vars_template; /* NULL: auto */
		char *vars;	     /* NULL: in the state directory */
		bool tpm;
		enum tpm_interface tpm_interface;
	} firmware;
	struct {
		char *model;
		unsigned sockets, dies, cores, threads;
		struct cpulist vcpu_pin;
		bool vcpu_pin_auto;
		enum cpu_prefer prefer;
		struct cpulist emulator_pin;
		bool emulator_pin_auto;
		struct cpulist iothread_pin;
		bool iothread_pin_auto;
		enum vcpu_sched vcpu_sched;
		unsigned vcpu_priority; /* 1-99 for fifo and rr */
		bool isolate;
		char *governor; /* NULL: keep */
		bool hyperv;
		char *hyperv_list;    /* "hv-relaxed,..." chosen; NULL: the default set */
		char *hyperv_vendor;  /* hv-vendor-id, NULL: none */
		bool hide_kvm;	      /* kvm=off */
		bool hide_hypervisor; /* both of the above, vendor "passlaunch" */
		struct strv flags;    /* more -cpu properties: "invtsc=on", ... */
		bool cpu_pm;	      /* -overcommit cpu-pm */
		unsigned iothreads;   /* besides the disks' own */
	} cpu;
	struct {
		uint64_t size;
		enum hugepages hugepages;
		int node; /* -1: any */
		enum mem_policy policy;
		int prealloc; /* enum tristate; auto: with hugepages */
		unsigned prealloc_threads;
		bool lock;  /* -overcommit mem-lock */
		bool numa;  /* the guest sees its memory as one NUMA node */
		bool merge; /* KSM may merge the guest's pages */
	} memory;
	struct {
		enum audio_backend backend;
		enum audio_device device;
		enum hda_codec codec;
		unsigned latency; /* microseconds; 0: the backend's */
		char *server;
		char *client_name;
		char *output, *input; /* the server's sink and source, ALSA's devices */
		bool mixing;
	} audio;
	struct {
		enum display_type type;
		enum video_model video;
		enum looking_glass looking_glass;
		unsigned kvmfr;		   /* looking_glass_device: /dev/kvmfrN */
		bool looking_glass_hdr;	   /* 8 bytes a pixel, not 4 */
		bool looking_glass_client; /* the looking-glass-client hook */
		unsigned width, height;
		unsigned port;		 /* 0: a unix socket only QEMU's user reaches */
		char *password_file;	 /* with a port: root's, its first line the password */
		enum serial_port serial; /* the guest's first serial port */
		unsigned usb_redirect;	 /* SPICE USB redirection channels */
	} display;
	struct {
		struct strv use;
		char *dir;
		unsigned timeout;
	} hooks;
	struct {
		bool seccomp;
		bool qemu_as_root;
	} sandbox;
	struct {
		int from_host;		    /* source = host: the host's own, then these */
		char *field[SMBIOS_FIELDS]; /* smbios_fields' order; NULL: not set */
	} smbios;

	struct profile_gpu *gpus;
	size_t n_gpus;
	struct profile_pci *pcis;
	size_t n_pcis;
	struct profile_disk *disks;
	size_t n_disks;
	struct profile_cdrom *cdroms;
	size_t n_cdroms;
	struct profile_net *nets;
	size_t n_nets;
	struct profile_usb *usbs;
	size_t n_usbs;
	struct profile_input *inputs;
	size_t n_inputs;

	/* Where each key was set, for duplicates and for messages. */
	struct key_line *lines;
	size_t n_lines;
	struct key_line *sections; /* key == NULL: where each section starts */
	size_t n_sections;
};

void profile_init_defaults(struct profile *p);
void profile_free(struct profile *p);
/* Line where [section] key was set, 0 when it holds its default. */
/* Any of vcpu_pin, emulator_pin or iothread_pin is auto. */
bool profile_pins_auto(const struct profile *p);
/* Whether the guest has the USB controller: usb, or auto with a device
 * that needs it (a USB device, input or sound card, SPICE redirection). */
bool profile_usb_controller(const struct profile *p);
int profile_key_line(const struct profile *p, const char *section, const char *key);
int profile_section_line(const struct profile *p, const char *section);
unsigned profile_vcpus(const struct profile *p);
/* A backend, or a device named with backend = none (a card that plays
 * into nothing). */
bool profile_has_sound_card(const struct profile *p);
/* Looking Glass's memory: two frames of the resolution's pixels (4 bytes,
 * 8 with HDR) plus 10 MiB, rounded up to a power of two (its documented
 * formula). */
uint64_t profile_looking_glass_size(const struct profile *p);
/* The ROM host function fn of a GPU runs (rom for the address's function,
 * else rom.N), or NULL; and the key that named it ("rom", "rom.1"). */
/* Whether the guest sees host function FN's ROM: rombar.N, else rombar. */
bool profile_gpu_rombar(const struct profile_gpu *g, unsigned fn);
const char *profile_gpu_rom(const struct profile_gpu *g, unsigned fn);
const char *profile_gpu_rom_key(const struct profile_gpu *g, unsigned fn, char *buf, size_t len);
/* q35 (PCIe, ICH9) or pc (i440fx: conventional PCI, PIIX4), by QEMU's names
 * for them and their versions ("pc-q35-7.2", "pc-i440fx-7.2", "pc-1.0"). */
bool machine_is_q35(const char *machine);
bool machine_is_i440fx(const char *machine);

#endif
