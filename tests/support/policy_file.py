"""A local policy file (admin config `policy.file`) with every part a page carries: the
safety information (with Markdown-lite and an HTML-looking word to escape), the adverse-event
line and the HCP gate, each with its approval code."""

POLICY_TOML = """\
analytics = "aggregate"
[safety_information]
text = '''
**Boxed warning:** may cause <dizziness>.

Read the [leaflet](https://acme.example/leaflet) & ask.
'''
approval_code = "ISI-7"
[adverse_events]
text = "Report side effects: [safety@acme.example](mailto:safety@acme.example)"
approval_code = "AE-7"
[hcp_gate]
approval_code = "HCP-7"
"""
