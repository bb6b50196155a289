#pragma once

#include <QLocale>
#include <QString>

namespace athanor::ui {

// "1 secret" / "3 secrets" / "2,005 resources": the project ships no translations, so Qt's %n plural forms
// would print "(s)"; counts are grouped as the user's locale groups them.
inline QString plural(qint64 count, const QString& one, const QString& many) {
    return count == 1 ? one : many.arg(QLocale().toString(count));
}

} // namespace athanor::ui
