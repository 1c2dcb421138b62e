#ifndef LEADGATE_CLINUX_SHIM_H
#define LEADGATE_CLINUX_SHIM_H
#include <sys/prctl.h>

// prctl is variadic, which Swift cannot call. Asks the kernel to send `signal` to this
// process when the thread that started it ends (as it does when its parent process ends).
static inline int leadgate_set_parent_death_signal(int signal) {
    return prctl(PR_SET_PDEATHSIG, (unsigned long)signal, 0UL, 0UL, 0UL);
}
#endif
