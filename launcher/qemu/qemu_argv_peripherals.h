/* The builder's parts for the guest's peripherals: USB devices and input,
 * sound, the serial port, and the small virtual devices (balloon, RNG,
 * watchdog, guest agent). */
#ifndef PASSLAUNCH_QEMU_ARGV_PERIPHERALS_H
#define PASSLAUNCH_QEMU_ARGV_PERIPHERALS_H

#include "argv_builder.h"

void argv_add_usb_input(struct argv_builder *b);
void argv_add_audio(struct argv_builder *b);
void argv_add_serial(struct argv_builder *b);
void argv_add_small_devices(struct argv_builder *b);
void argv_add_overcommit(struct argv_builder *b);

#endif
