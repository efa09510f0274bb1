#ifndef PASSLAUNCH_CLOCK_H
#define PASSLAUNCH_CLOCK_H

#include <stdint.h>

/* Milliseconds on the monotonic clock. */
uint64_t clock_ms(void);
/* A bounded pause inside a loop that re-checks a condition each time: not a
 * fixed delay standing in for a state change. */
void clock_wait_ms(unsigned ms);

#endif
