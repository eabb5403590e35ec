// SPDX-License-Identifier: MIT
#include "widgets/jsonfiledialog.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QSettings>

using namespace Qt::Literals::StringLiterals;

namespace {
const QString LastDirectoryKey = u"files/lastJsonDirectory"_s;
} // namespace

namespace JsonFileDialog {

void open(QWidget *window, Purpose purpose, const QString &title, const QString &fileKind, const QString &objectName,
          std::function<void(const QString &path)> chosen)
{
    auto *dialog = new QFileDialog(window, title);
    dialog->setObjectName(objectName);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    const QString filter = u"%1 (*.json)"_s.arg(fileKind);
    if (purpose == Purpose::Import) {
        dialog->setAcceptMode(QFileDialog::AcceptOpen);
        dialog->setFileMode(QFileDialog::ExistingFile);
        dialog->setNameFilters({ filter, QCoreApplication::translate("JsonFileDialog", "All files (*)") });
    } else {
        dialog->setAcceptMode(QFileDialog::AcceptSave);
        dialog->setFileMode(QFileDialog::AnyFile);
        dialog->setNameFilters({ filter });
        dialog->setDefaultSuffix(u"json"_s);
    }
    dialog->setDirectory(QSettings().value(LastDirectoryKey, QDir::homePath()).toString());
    QObject::connect(dialog, &QFileDialog::fileSelected, dialog, [chosen = std::move(chosen)](const QString &path) {
        QSettings().setValue(LastDirectoryKey, QFileInfo(path).absolutePath());
        chosen(path);
    });
    dialog->open();
}

} // namespace JsonFileDialog
