"""Use cases of /api/categories: list, create, change (rename, move, hide a default) and delete-with-move."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bson import ObjectId
from pymongo.errors import DuplicateKeyError

from finsight.accounts.principal import Principal
from finsight.categories.catalogue import DEFAULT_BY_ID, Catalogue, Entry, default_id, name_key
from finsight.categories.models import (
    CategoryView,
    CreateCategoryRequest,
    DeletedCategory,
    UpdateCategoryRequest,
)
from finsight.categories.refile import SWEEP_FOR, currency_clashes, refile
from finsight.categories.repository import UnknownCategoryError, catalogue_of
from finsight.platform.db import Document, get_database
from finsight.platform.errors import BadRequestError, ConflictError, ResourceNotFoundError
from finsight.platform.ids import object_id
from finsight.transactions.categories import Category

MAX_OWN_CATEGORIES = 100


class CategoryNotFoundError(ResourceNotFoundError):
    default_message = "Category not found."


class TooManyCategoriesError(ConflictError):
    default_message = f"You can have at most {MAX_OWN_CATEGORIES} categories of your own: delete one first."


class NameTakenError(ConflictError):
    def __init__(self, name: str) -> None:
        super().__init__(f"You already have a category named '{name}'.")


class ChangedMeanwhileError(ConflictError):
    default_message = "This category was changed by another request meanwhile: reload your categories and try again."


class MalformedCategoryIdError(BadRequestError):
    default_message = "Malformed category id: a default's (such as food-and-dining) or 24 hexadecimal characters."


class HasChildrenError(ConflictError):
    default_message = "This category has sub-categories: move or delete them first."


def to_view(catalogue: Catalogue, entry: Entry) -> CategoryView:
    parent = catalogue.entry(entry.parent_id) if entry.parent_id else None
    return CategoryView(
        id=entry.id,
        name=entry.name,
        default=entry.default.value if entry.default else None,
        parent=parent.name if parent else None,
        parent_id=parent.id if parent else None,
        icon=entry.icon,
        colour=entry.colour,
        hidden=entry.hidden,
        replaced_by=entry.replaced_by if entry.hidden else None,
    )


def list_categories(principal: Principal) -> list[CategoryView]:
    catalogue = catalogue_of(get_database(), principal.user_id)
    return [to_view(catalogue, entry) for entry in catalogue.entries]


def effective_names(user_id: str) -> list[str]:
    return catalogue_of(get_database(), user_id).names()


def _entry(catalogue: Catalogue, category_id: str) -> Entry:
    """The category of this id: a default's (food-and-dining) or one of the user's own (an ObjectId)."""
    if category_id not in DEFAULT_BY_ID and object_id(category_id) is None:
        raise MalformedCategoryIdError()
    entry = catalogue.entry(str(object_id(category_id) or category_id))
    if entry is None:
        raise CategoryNotFoundError()
    return entry


def _free(catalogue: Catalogue, name: str, itself: Entry | None = None) -> None:
    """409 when another of the user's categories, hidden defaults included, has this name."""
    taken = catalogue.named(name, include_hidden=True)
    if taken is not None and taken is not itself and name_key(taken.name) == name_key(name):
        raise NameTakenError(taken.name)


def _parent(catalogue: Catalogue, name: str, child: Entry | None = None) -> Entry:
    """A category that can hold sub-categories: a top-level one that is shown (and not the child itself)."""
    parent = catalogue.named(name, include_hidden=True)
    if parent is None or parent.hidden:
        raise UnknownCategoryError(name, "parent")
    if parent.parent_id is not None:
        raise BadRequestError(f"Invalid request: parent: '{parent.name}' is a sub-category itself (one level only).")
    if child is not None and parent is child:
        raise BadRequestError("Invalid request: parent: a category cannot be under itself.")
    return parent


def _override_id(user_id: str, category: Category) -> str:
    return f"{user_id}:{default_id(category)}"


def _drop_alias_of_others(database: Any, catalogue: Catalogue, user_id: str, name: str) -> None:
    """A name in use again is no one's former name any more (what is filed under it stays)."""
    for entry in catalogue.entries:
        stale = [alias for alias in entry.aliases if name_key(alias) == name_key(name)]
        if stale:
            database["categories"].update_one(_stored_filter(user_id, entry), {"$pull": {"aliases": {"$in": stale}}})


def _stored_filter(user_id: str, entry: Entry) -> Document:
    if entry.default is not None:
        return {"_id": _override_id(user_id, entry.default), "user_id": user_id}
    return {"_id": ObjectId(entry.id), "user_id": user_id}


def _write(database: Any, user_id: str, entry: Entry, update: Document, *, named: bool = False) -> Document | None:
    """Apply `update` to the entry's document (a default's is made on its first change); None when it is gone.
    `named`: only while it still has the name it was read with (a rename or a delete racing it gets a 409)."""
    categories = database["categories"]
    condition: Document = {}
    if named:
        condition = {"name": entry.name}
        if entry.default is not None and entry.name == entry.default.value:  # never renamed: maybe no document yet
            condition = {"$or": [{"name": entry.name}, {"name": {"$exists": False}}, {"name": None}]}
    try:
        if entry.default is not None:
            update.setdefault("$setOnInsert", {}).update({"default": entry.default.value})
            update["$setOnInsert"].setdefault("key", name_key(entry.default.value))
            if "key" in update.get("$set", {}):
                update["$setOnInsert"].pop("key")
            found = categories.find_one_and_update(
                {**_stored_filter(user_id, entry), **condition}, update, upsert=True, return_document=True
            )
        else:
            found = categories.find_one_and_update(
                {**_stored_filter(user_id, entry), **condition}, update, return_document=True
            )
    except DuplicateKeyError as exc:  # a concurrent create or rename took the name, or renamed this one, first
        name = update.get("$set", {}).get("name")
        if entry.default is not None and not name:  # two first changes of a default at once: the other made it
            found = categories.find_one_and_update(_stored_filter(user_id, entry), update, return_document=True)
            return dict(found) if found is not None else None
        if name and categories.count_documents({"user_id": user_id, "key": name_key(name)}, limit=1):
            raise NameTakenError(name) from exc
        raise ChangedMeanwhileError() from exc
    if found is None and named and categories.count_documents(_stored_filter(user_id, entry), limit=1):
        raise ChangedMeanwhileError()
    return dict(found) if found is not None else None


def create_category(principal: Principal, request: CreateCategoryRequest) -> CategoryView:
    database = get_database()
    user_id = principal.user_id
    catalogue = catalogue_of(database, user_id)
    if len(catalogue.own()) >= MAX_OWN_CATEGORIES:
        raise TooManyCategoriesError()
    _free(catalogue, request.name)
    parent = _parent(catalogue, request.parent) if request.parent is not None else None
    now = datetime.now(UTC)
    doc: Document = {
        "user_id": user_id,
        "name": request.name,
        "key": name_key(request.name),
        "parent_id": parent.id if parent else None,
        "icon": request.icon,
        "colour": request.colour,
        "created_at": now,
        "updated_at": now,
    }
    categories = database["categories"]
    try:
        doc["_id"] = categories.insert_one(doc).inserted_id
    except DuplicateKeyError as exc:
        raise NameTakenError(request.name) from exc
    own = {"user_id": user_id, "default": {"$exists": False}}
    if categories.count_documents(own) > MAX_OWN_CATEGORIES:  # concurrent creates
        categories.delete_one({"_id": doc["_id"]})
        raise TooManyCategoriesError()
    after = catalogue_of(database, user_id)
    if parent is not None and _tree_broken(after, _entry(after, str(doc["_id"]))):  # its parent changed meanwhile
        categories.delete_one({"_id": doc["_id"]})
        raise ChangedMeanwhileError("Its parent was changed by another request meanwhile: reload and try again.")
    _drop_alias_of_others(database, catalogue, user_id, request.name)
    return to_view(after, _entry(after, str(doc["_id"])))


def _tree_broken(catalogue: Catalogue, entry: Entry) -> bool:
    """Whether `entry` breaks the one-level tree as the categories are now: under a hidden or a sub-category, or
    a sub-category with sub-categories. Checked after each write that could (writes first, checks after: of
    two racing changes that together break it, at least one sees the other and is undone)."""
    parent = catalogue.entry(entry.parent_id) if entry.parent_id else None
    if entry.parent_id and (parent is None or parent.hidden or parent.parent_id is not None):
        return True  # (a parent deleted meanwhile too)
    if entry.parent_id is not None and catalogue.children_of(entry):
        return True
    return entry.hidden and any(not child.hidden for child in catalogue.children_of(entry))


def _own_changes(catalogue: Catalogue, entry: Entry, request: UpdateCategoryRequest) -> Document:
    given = request.model_fields_set
    if "hidden" in given or "replaced_by" in given:
        raise BadRequestError("Invalid request: hidden: only a default category is hidden; delete your own.")
    if "parent" not in given:
        return {}
    if request.parent is None:
        return {"parent_id": None}
    if catalogue.children_of(entry):
        raise BadRequestError("Invalid request: parent: this category has sub-categories (one level only).")
    return {"parent_id": _parent(catalogue, request.parent, child=entry).id}


def _default_changes(catalogue: Catalogue, entry: Entry, request: UpdateCategoryRequest) -> Document:
    given = request.model_fields_set
    if "parent" in given:
        raise BadRequestError("Invalid request: parent: a default category stays at the top level.")
    hidden = request.hidden if request.hidden is not None else entry.hidden
    if hidden and entry.default is Category.OTHER:
        raise BadRequestError("Invalid request: hidden: Other takes what nothing else does; rename it instead.")
    if hidden and not entry.hidden and any(not child.hidden for child in catalogue.children_of(entry)):
        raise HasChildrenError()
    replacing = [
        e.name for e in catalogue.entries if e.hidden and e.replaced_by and catalogue.named(e.replaced_by) is entry
    ]
    if hidden and not entry.hidden and replacing:
        raise ConflictError(f"{entry.name} stands in for {', '.join(replacing)} (hidden): change that first.")
    if request.replaced_by is not None and not hidden:
        raise BadRequestError("Invalid request: replaced_by: only a hidden category is replaced (send hidden: true).")
    changes: Document = {"hidden": hidden} if request.hidden is not None else {}
    if not hidden:
        changes["replaced_by"] = None
    elif "replaced_by" in given:
        target = catalogue.named(request.replaced_by) if request.replaced_by is not None else None
        if request.replaced_by is not None and target is None:
            raise UnknownCategoryError(request.replaced_by, "replaced_by")
        if target is entry:
            raise BadRequestError("Invalid request: replaced_by: a category cannot replace itself.")
        changes["replaced_by"] = target.name if target else None
    return changes


def update_category(principal: Principal, category_id: str, request: UpdateCategoryRequest) -> CategoryView:
    database = get_database()
    user_id = principal.user_id
    catalogue = catalogue_of(database, user_id)
    entry = _entry(catalogue, category_id)
    given = request.model_fields_set
    if "name" in given and request.name is None:
        raise BadRequestError("Invalid request: name: a category always has a name.")
    new_name = request.name if request.name is not None and request.name != entry.name else None
    if new_name is not None:
        _free(catalogue, new_name, itself=entry)
    now = datetime.now(UTC)
    sets: Document = {"updated_at": now}
    sets |= (
        _own_changes(catalogue, entry, request)
        if entry.default is None
        else _default_changes(catalogue, entry, request)
    )
    sets |= {field: getattr(request, field) for field in ("icon", "colour") if field in given}
    update: Document = {"$set": sets}
    if new_name is not None:  # the old name (exactly as stored: "coffee" -> "Coffee" too) becomes an alias
        sets["name"], sets["key"] = new_name, name_key(new_name)
        sets["refile_until"] = now + SWEEP_FOR
        update["$addToSet"] = {"aliases": entry.name}
    if _write(database, user_id, entry, update, named=new_name is not None) is None:
        raise CategoryNotFoundError()
    # Written first, checked after (of two racing changes that together break a rule, at least one sees the
    # other): nothing else has moved yet, so a change that breaks one is put back whole, and is a 409.
    after = catalogue_of(database, user_id)
    hiding = bool(sets.get("hidden")) and not entry.hidden
    now_entry = _entry(after, entry.id)
    if (("parent_id" in sets or hiding) and _tree_broken(after, now_entry)) or (
        hiding and _replacement_broken(after, now_entry)
    ):
        try:
            _put_back(database, user_id, entry, sets, renamed=new_name is not None)
        except DuplicateKeyError:  # its old name was taken meanwhile: it cannot go back; the change stands
            pass
        else:
            raise ChangedMeanwhileError("Another request changed the categories around it meanwhile: reload and retry.")
    name = new_name or entry.name
    if new_name is not None:
        # (only while it still has the new name: a rename that came after keeps the alias it added)
        database["categories"].update_one(
            {**_stored_filter(user_id, entry), "name": new_name}, {"$pull": {"aliases": new_name}}
        )
        _drop_alias_of_others(database, catalogue, user_id, new_name)
        refile(database, user_id, [entry.name], new_name)
        database["categories"].update_many(  # hidden defaults that named it as their replacement
            {"user_id": user_id, "replaced_by": entry.name}, {"$set": {"replaced_by": new_name}}
        )
    if hiding:  # what files new transactions (recurring expenses, rules) follows the replacement; history stays
        instead = after.named(str(now_entry.replaced_by or "")) or after.named(after.other())
        refile(database, user_id, [entry.name, name], instead.name if instead else after.other(), history=False)
    return to_view(after, now_entry)  # (what follows the check changes other documents, not this one's view)


def _replacement_broken(catalogue: Catalogue, entry: Entry) -> bool:
    """A hidden default that another hidden one stands on, or whose own replacement is hidden."""
    if not entry.hidden:
        return False
    leaned_on = any(
        other.hidden and other.replaced_by and name_key(other.replaced_by) == name_key(entry.name)
        for other in catalogue.entries
        if other is not entry
    )
    replacement = catalogue.named(entry.replaced_by, include_hidden=True) if entry.replaced_by else None
    return leaned_on or (replacement is not None and replacement.hidden)


def _put_back(database: Any, user_id: str, entry: Entry, sets: Document, *, renamed: bool) -> None:
    """Undo a change to the entry's document, field by field, as it was read."""
    before = {
        "name": entry.name,
        "key": name_key(entry.name),
        "parent_id": entry.parent_id,
        "hidden": entry.hidden,
        "replaced_by": entry.replaced_by,
        "icon": entry.icon,
        "colour": entry.colour,
    }
    undo: Document = {"$set": {field: before[field] for field in sets if field in before}}
    if renamed:
        undo["$pull"] = {"aliases": entry.name}
    database["categories"].update_one(_stored_filter(user_id, entry), undo)


def delete_category(principal: Principal, category_id: str, move_to: str | None) -> DeletedCategory:
    """Delete one of the user's own categories, moving what was filed under it (transactions, split parts,
    budgets, recurring expenses, rules) to `move_to`: by default its parent, else Other."""
    database = get_database()
    user_id = principal.user_id
    catalogue = catalogue_of(database, user_id)
    entry = _entry(catalogue, category_id)
    if entry.default is not None:
        raise BadRequestError("A default category cannot be deleted: hide it instead (PATCH with hidden: true).")
    if catalogue.children_of(entry):
        raise HasChildrenError()
    parent = catalogue.entry(entry.parent_id) if entry.parent_id else None
    target = catalogue.named(move_to) if move_to else (parent if parent and not parent.hidden else None)
    if move_to and target is None:
        raise UnknownCategoryError(move_to, "move_to")
    target = target or catalogue.named(catalogue.other(), include_hidden=True) or entry
    if target is entry:
        raise BadRequestError("Invalid request: move_to: name another category than the one you delete.")
    former = list(dict.fromkeys([entry.name, *entry.aliases]))
    if currency_clashes(database, user_id, former, target.name):
        raise ConflictError(
            f"A month has a budget under {entry.name} and one under {target.name} in another currency: "
            "delete one of them first."
        )
    oid = object_id(entry.id)
    if (
        oid is None
        or database["categories"].find_one_and_delete({"_id": oid, "user_id": user_id, "name": entry.name}) is None
    ):
        if oid is not None and database["categories"].count_documents({"_id": oid, "user_id": user_id}, limit=1):
            raise ChangedMeanwhileError()  # renamed meanwhile
        raise CategoryNotFoundError()  # deleted meanwhile
    now = datetime.now(UTC)
    _write(
        database,
        user_id,
        target,
        {"$addToSet": {"aliases": {"$each": former}}, "$set": {"refile_until": now + SWEEP_FOR, "updated_at": now}},
    )
    # into its parent: the parent's budget already counted it, so a month with both keeps the parent's limit
    moved = refile(database, user_id, former, target.name, add_limits=target.id != entry.parent_id)
    # a sub-category made under it while it went (after the check above): at the top level, not under nothing
    database["categories"].update_many({"user_id": user_id, "parent_id": entry.id}, {"$set": {"parent_id": None}})
    database["categories"].update_many(
        {"user_id": user_id, "replaced_by": entry.name}, {"$set": {"replaced_by": target.name}}
    )
    return DeletedCategory(deleted=entry.id, moved_to=target.name, moved=moved)
