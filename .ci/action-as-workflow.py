"""Prints action.yml's composite steps as a workflow, for actionlint.

actionlint checks a local action only where a workflow uses it (its inputs); the action's own
steps, their expressions and their shell scripts are checked only inside a workflow. This
wraps them in one, with the action's inputs as workflow_dispatch inputs so that `inputs.*`
resolves the same way. Needs PyYAML (a dependency of pre-commit, in the CI venv).
"""

import sys

import yaml

with open(sys.argv[1], encoding="utf-8") as file:
    action = yaml.safe_load(file)

workflow = {
    "name": f"{action['name']} (action.yml as a workflow)",
    "on": {
        "workflow_dispatch": {
            "inputs": {
                name: {"description": spec["description"], "type": "string"}
                for name, spec in action.get("inputs", {}).items()
            }
        }
    },
    "jobs": {"action": {"runs-on": "ubuntu-latest", "steps": action["runs"]["steps"]}},
}
yaml.safe_dump(workflow, sys.stdout, sort_keys=False)
