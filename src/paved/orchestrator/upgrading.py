"""Template freshness: which services are on an old template version, and upgrading one.

An upgrade renders the template's current version with the service's parameters and merges it
into the service's repository on a branch (`providers.git_upgrades`); `main` stays the
developers'. When they merge that branch, the service counts as upgraded: drift looks at the
repository's history, not at what was proposed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from paved.core.errors import ConflictError, NotAllowedError, UnavailableError
from paved.core.states import ServiceState
from paved.orchestrator.runtime import Runtime, current
from paved.orchestrator.specs import ci_spec
from paved.providers import git_upgrades, gitting
from paved.providers.ci_pipelines import render_workflow
from paved.providers.git_repos import GitRepoProvider
from paved.schemas.services import ServiceCreate
from paved.schemas.templates import ServiceUpgrade, TemplateDrift, TemplateUsage, UpgradePublic
from paved.store import services, template_origins
from paved.store.identity import Principal
from paved.templates.scaffolding import provided_values, render_service


def template_drift(name: str) -> TemplateDrift:
    """The services made from template `name` that are not on its current version."""
    runtime = current()
    template = runtime.templates.get(name, missing="not-found")
    _promote_merged(runtime, name)
    with runtime.store.reading() as session:
        rows = template_origins.services_of_template(session, name)
        data = [
            TemplateUsage(
                service=service.name,
                team=service.team,
                version=origin.version if origin else None,
                pending_version=origin.pending_version if origin else None,
                pending_branch=origin.pending_branch if origin else None,
            )
            for service, origin in rows
            if origin is None or origin.version != template.version
        ]
    return TemplateDrift(template=name, version=template.version, data=data, count=len(data))


def upgrade_service(principal: Principal, name: str, body: ServiceUpgrade) -> UpgradePublic:
    """Merge the current version of the service's template into its repository, on a branch."""
    runtime = current()
    with runtime.store.reading() as session:
        service = services.get_service(session, name)
        if not principal.is_member(service.team):
            raise NotAllowedError(f"{principal.user} is not a member of team {service.team}")
        if service.state != ServiceState.active.value:
            raise ConflictError(f"service {name} is {service.state}: only an active one upgrades")
        spec = ServiceCreate.model_validate(service.spec)
        origin = template_origins.find_origin(session, name)
        repo_url = service.repository_url or runtime.repository_url(name)
        from_version, base = (origin.version, origin.commit) if origin else (None, None)
    repo = _repository(runtime, name)
    base = base or gitting.root_commit(repo)
    if base is None:
        raise ConflictError(f"service {name} has no repository to upgrade")
    template = runtime.templates.get(spec.template)
    if from_version == template.version:
        return _up_to_date(spec, from_version, template.version, "already on it")
    spec = _with_parameters(runtime, spec, body.parameters, repo_url)
    rendered = render_service(runtime.templates, spec, repo_url, render_workflow(ci_spec(spec)))
    branch = git_upgrades.branch_name(template.name, rendered.version)
    message = (
        f"Upgrade to template {template.name} {rendered.version} "
        f"(from {from_version or 'an unrecorded version'})"
    )
    outcome = git_upgrades.propose_upgrade(repo, base, rendered.files, branch, message)
    if outcome.status == "up-to-date" or outcome.render_commit is None:
        with runtime.store.session() as session:  # same files: it is on the new version already
            template_origins.record_origin(session, name, template.name, rendered.version, base)
        return _up_to_date(spec, from_version, rendered.version, "the render is unchanged")
    with runtime.store.session() as session:
        if origin is None:
            template_origins.record_origin(session, name, template.name, "unrecorded", base)
        template_origins.record_pending(
            session, name, rendered.version, outcome.render_commit, branch
        )
        if body.parameters:  # what the new version needed is the service's from now on
            row = services.get_service(session, name)
            row.parameters = dict(spec.parameters)
            row.spec = {**row.spec, "parameters": dict(spec.parameters)}
    if outcome.status == "merged":
        text = f"merged cleanly on branch {branch}: review and merge it into main"
    else:
        text = (
            f"{len(outcome.conflicts)} file(s) conflict with local changes; branch {branch} holds "
            f"the new render: merge it into main and resolve {', '.join(outcome.conflicts)}"
        )
    return UpgradePublic(
        service=name,
        template=template.name,
        from_version=from_version,
        to_version=rendered.version,
        status="merged" if outcome.status == "merged" else "conflicts",
        branch=branch,
        commit=outcome.commit,
        conflicts=list(outcome.conflicts),
        message=text,
    )


def _with_parameters(
    runtime: Runtime, spec: ServiceCreate, given: dict[str, Any], repo_url: str
) -> ServiceCreate:
    """The service's parameters for the new version: those it still takes, plus `given`."""
    template = runtime.templates.get(spec.template)
    known = template.parameters.get("properties", {})
    kept = {k: v for k, v in spec.parameters.items() if k in known}
    provided = provided_values(template, spec, repo_url)
    parameters = runtime.templates.validate_parameters(spec.template, {**kept, **given}, provided)
    return spec.model_copy(update={"parameters": parameters})


def _promote_merged(runtime: Runtime, template: str) -> None:
    """Services whose upgrade branch was merged into main are on the new version now."""
    with runtime.store.reading() as session:
        pending = [
            (origin.service, origin.pending_version, origin.pending_commit)
            for _, origin in template_origins.services_of_template(session, template)
            if origin is not None and origin.pending_commit and origin.pending_version
        ]
    for service, version, commit in pending:
        if version is None or commit is None:
            continue
        if git_upgrades.is_merged(_repository(runtime, service), commit):
            with runtime.store.session() as session:
                template_origins.record_origin(session, service, template, version, commit)


def _repository(runtime: Runtime, service: str) -> Path:
    provider = runtime.providers.get("git")
    if not isinstance(provider, GitRepoProvider):
        raise UnavailableError("the git provider does not keep repositories Paved can upgrade")
    return provider.repo_path(service)


def _up_to_date(
    spec: ServiceCreate, from_version: str | None, to_version: str, why: str
) -> UpgradePublic:
    return UpgradePublic(
        service=spec.name,
        template=spec.template,
        from_version=from_version,
        to_version=to_version,
        status="up-to-date",
        message=f"{spec.name} is up to date with {spec.template} {to_version}: {why}",
    )
