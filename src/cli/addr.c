/* SPDX-License-Identifier: MIT */
/* Multiaddr arguments of the network commands (see addr.h). */
#include "cli/addr.h"

#include <sys/socket.h>

#include "cli/flags.h"
#include "util/err.h"

int ig_cli_tcp_addr(const char *label,
                    const char *addr,
                    struct ig_multiaddr *ma)
{
    struct sockaddr_storage ss;
    socklen_t sl;
    char err[256] = "";
    const char *sep = label ? " " : "";
    int rc = ig_multiaddr_parse(addr, ma, err, sizeof(err));

    label = label ? label : "";
    if (rc < 0) {
        ig_flags_error(
          "%s%s%s: %s", label, sep, addr, err[0] ? err : ig_strerror(rc));
        return IG_EUSAGE;
    }
    if (ig_multiaddr_to_sockaddr(ma, &ss, &sl) < 0) {
        ig_flags_error(
          "%s%s%s: not an /ip4 or /ip6 address with /tcp", label, sep, addr);
        return IG_EUSAGE;
    }
    return 0;
}
