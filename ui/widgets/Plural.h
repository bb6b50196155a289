#pragma once

#include <QString>

namespace athanor::ui {

// "1 secret" / "3 secrets": the project ships no translations, so Qt's %n plural forms would print "(s)".
inline QString plural(qint64 count, const QString& one, const QString& many) {
    return count == 1 ? one : many.arg(count);
}

} // namespace athanor::ui
