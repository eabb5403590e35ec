// SPDX-License-Identifier: MIT
#pragma once

#include <QtEndian>

#include <cerrno>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

/** A plain POSIX client socket to 127.0.0.1:@p port; -1 with errno set on failure. */
inline int rawConnect(quint16 port, bool nonBlocking)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | (nonBlocking ? SOCK_NONBLOCK : 0), 0);
    if (fd < 0)
        return -1;
    sockaddr_in addr {};
    addr.sin_family = AF_INET;
    addr.sin_port = qToBigEndian(port);
    addr.sin_addr.s_addr = qToBigEndian(quint32(INADDR_LOOPBACK));
    if (::connect(fd, reinterpret_cast<const sockaddr *>(&addr), sizeof addr) != 0 && errno != EINPROGRESS) {
        const int error = errno;
        ::close(fd);
        errno = error;
        return -1;
    }
    return fd;
}
