// SPDX-License-Identifier: MIT
#include "console/options.h"
#include "epolldispatcher.h"
#include "startup.h"

#include <QApplication>
#include <QCoreApplication>

#include <memory>

int main(int argc, char *argv[])
{
    const bool headless = wantsHeadless(argc, argv);
    // The console server's loop wakes up once per message: see EpollEventDispatcher. The window keeps Qt's.
    if (headless)
        QCoreApplication::setEventDispatcher(new EpollEventDispatcher);
    std::unique_ptr<QCoreApplication> app(headless ? new QCoreApplication(argc, argv) : new QApplication(argc, argv));
    QCoreApplication::setApplicationName(ServerProgram);
    QCoreApplication::setOrganizationName(QStringLiteral("SpreadSite"));
    QCoreApplication::setApplicationVersion(QStringLiteral(SPREAD_VERSION));

    ServerOptions options;
    if (auto exitCode = parseServerOptions(QCoreApplication::arguments(), &options))
        return *exitCode;
    return headless ? runHeadlessServer(options) : runServerWindow(options);
}
