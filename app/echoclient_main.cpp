// SPDX-License-Identifier: MIT
#include "console/options.h"
#include "startup.h"

#include <QApplication>
#include <QCoreApplication>

#include <memory>

int main(int argc, char *argv[])
{
    const bool headless = wantsHeadless(argc, argv);
    std::unique_ptr<QCoreApplication> app(headless ? new QCoreApplication(argc, argv) : new QApplication(argc, argv));
    QCoreApplication::setApplicationName(ClientProgram);
    QCoreApplication::setOrganizationName(QStringLiteral("SpreadSite"));
    QCoreApplication::setApplicationVersion(QStringLiteral(SPREAD_VERSION));

    ClientOptions options;
    if (auto exitCode = parseClientOptions(QCoreApplication::arguments(), &options))
        return *exitCode;
    return headless ? runHeadlessClient(options) : runClientWindow(options);
}
