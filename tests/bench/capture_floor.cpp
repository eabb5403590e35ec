// SPDX-License-Identifier: MIT
//
// capture-floor: the least a capture of a saturated fan-out pass can cost
// (issue 16), measured apart from any server. A pass delivers 65 MB (50
// receivers x 20,000 lines of 65 bytes, in writes of up to 65,000 bytes);
// a capture that keeps every byte must at least copy it out of the engine's
// buffers into memory the disk can read, and have the kernel write it to a
// file. This copies 65 MB into 64 MiB of rotating, already-touched buffers
// (no page faults), then writes them with O_DIRECT (no page-cache copy) to
// a file in DIR, and prints the process CPU time of each, the median of 5
// passes. Read them against the relay's own CPU per pass.
//
// Usage: capture-floor [DIR]     Output: one line of key=value pairs.

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

constexpr size_t Piece = 65000;
constexpr size_t PassBytes = 65u * 1000 * 1000;
constexpr size_t Ring = 64u << 20;
constexpr size_t Block = 1u << 20;   // a writer's batch
constexpr int Passes = 5;

double cpuMs()
{
    timespec t {};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return double(t.tv_sec) * 1e3 + double(t.tv_nsec) / 1e6;
}

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

} // namespace

int main(int argc, char **argv)
{
    const std::string dir = argc > 1 ? argv[1] : "/tmp";
    auto *source = static_cast<char *>(std::aligned_alloc(4096, Piece + 4096));
    auto *ring = static_cast<char *>(std::aligned_alloc(4096, Ring));
    if (!source || !ring)
        return 1;
    std::memset(source, 'x', Piece);
    std::memset(ring, 0, Ring);

    std::vector<double> copyMs, writeMs;
    for (int pass = 0; pass <= Passes; ++pass) {   // pass 0 warms up and is not counted
        const double start = cpuMs();
        size_t at = 0;
        for (size_t done = 0; done < PassBytes; done += Piece) {
            if (at + Piece > Ring)
                at = 0;
            std::memcpy(ring + at, source, Piece);
            at += Piece;
        }
        if (pass > 0)
            copyMs.push_back(cpuMs() - start);
    }

    const std::string path = dir + "/capture-floor-" + std::to_string(getpid()) + ".bin";
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_DIRECT | O_CLOEXEC, 0600);
    if (fd < 0) {
        std::printf("capture-floor status=fail error=%s\n", std::strerror(errno));
        return 1;
    }
    for (int pass = 0; pass <= Passes; ++pass) {
        const double start = cpuMs();
        for (size_t done = 0; done < PassBytes; done += Block) {
            const size_t offset = done % Ring;
            if (::pwrite(fd, ring + offset, Block, off_t(done)) != ssize_t(Block)) {
                std::printf("capture-floor status=fail error=%s\n", std::strerror(errno));
                ::close(fd);
                ::unlink(path.c_str());
                return 1;
            }
        }
        if (pass > 0)
            writeMs.push_back(cpuMs() - start);
    }
    ::close(fd);
    ::unlink(path.c_str());
    std::printf("capture-floor status=ok pass_mb=%zu copy_cpu_ms=%.2f direct_write_cpu_ms=%.2f\n", PassBytes / 1000000,
                median(copyMs), median(writeMs));
    std::free(source);
    std::free(ring);
    return 0;
}
