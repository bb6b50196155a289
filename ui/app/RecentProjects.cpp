#include "app/RecentProjects.h"

#include <QSettings>

namespace athanor::ui {

namespace {
const QString kKey = QStringLiteral("recentProjects");
}

QStringList RecentProjects::list() {
    return QSettings().value(kKey).toStringList();
}

void RecentProjects::add(const QString& path) {
    QStringList all = list();
    all.removeAll(path);
    all.prepend(path);
    while (all.size() > kMax)
        all.removeLast();
    QSettings().setValue(kKey, all);
}

void RecentProjects::remove(const QString& path) {
    QStringList all = list();
    all.removeAll(path);
    QSettings().setValue(kKey, all);
}

void RecentProjects::clear() {
    QSettings().remove(kKey);
}

} // namespace athanor::ui
