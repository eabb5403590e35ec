// SPDX-License-Identifier: MIT
#include "startup.h"

#include <QApplication>
#include <QIcon>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

#include "client/clientwindow.h"
#include "server/serverwindow.h"

using namespace Qt::Literals::StringLiterals;

QString installTranslations()
{
    const QLocale locale;
    auto *ours = new QTranslator(qApp);
    // qt_add_translations() embeds the .qm files under :/i18n.
    if (!ours->load(locale, u"spreadsite"_s, u"_"_s, u":/i18n"_s)) {
        delete ours;
        return {};
    }
    QCoreApplication::installTranslator(ours);
    auto *qt = new QTranslator(qApp);
    if (qt->load(locale, u"qt"_s, u"_"_s, QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(qt);
    else
        delete qt;
    return ours->language();
}

QIcon appIcon(const QString &name)
{
    QIcon icon;
    for (int size : { 16, 32, 48, 64, 128, 256 })
        icon.addFile(u":/icons/%1-%2.png"_s.arg(name).arg(size), QSize(size, size));
    return icon;
}

namespace {
void prepare(const QString &iconName)
{
    installTranslations();
    QApplication::setWindowIcon(appIcon(iconName));
    QGuiApplication::setDesktopFileName(iconName);
}
} // namespace

int runServerWindow(const ServerOptions &options)
{
    prepare(ServerProgram);
    auto *window = new ServerWindow(options);
    window->setAttribute(Qt::WA_DeleteOnClose);
    window->show();
    window->start();   // like the console server: listen at once, or show why not
    if (window->joinsClusterAtLaunch())
        window->joinCluster();   // likewise with --nats, or when it was in a cluster when last closed
    return QApplication::exec();
}

int runClientWindow(const ClientOptions &options)
{
    prepare(ClientProgram);
    ClientWindow *window = ClientWindow::openNew(options);
    window->connectToServer();   // like the console client
    return QApplication::exec();
}
