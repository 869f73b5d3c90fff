-- Built-in data (SPEC §2): the Unrestricted scope, the default resources, and the default
-- roles with their permission sets. Fixed ids so that every deployment agrees on them.
-- Access levels: 0 = NO_ACCESS, 1 = READ_ACCESS, 2 = READ_WRITE_ACCESS.

INSERT INTO access_scopes (id, name, description, built_in) VALUES
  ('a0a0a0a0-0000-4000-8000-000000000001', 'Unrestricted', 'Access to every resource everywhere', true);

INSERT INTO resources (name) VALUES
  ('Access'), ('Administration'), ('Alert'), ('CVE'), ('Cluster'), ('Compliance'),
  ('Deployment'), ('DeploymentExtension'), ('Detection'), ('Image'), ('Integration'),
  ('K8sRole'), ('K8sRoleBinding'), ('K8sSubject'), ('Namespace'), ('NetworkGraph'),
  ('NetworkPolicy'), ('Node'), ('Secret'), ('ServiceAccount'),
  ('VulnerabilityManagementApprovals'), ('VulnerabilityManagementRequests'), ('WatchedImage'),
  ('WorkflowAdministration');

INSERT INTO permission_sets (id, name, description, built_in) VALUES
  ('b0b0b0b0-0000-4000-8000-000000000001', 'Admin',
   'Read and write access to every resource', true),
  ('b0b0b0b0-0000-4000-8000-000000000002', 'Analyst',
   'Read access to every resource except Administration', true),
  ('b0b0b0b0-0000-4000-8000-000000000003', 'Continuous Integration',
   'For CI pipelines: read Detection, read and write Image', true),
  ('b0b0b0b0-0000-4000-8000-000000000004', 'Sensor Creator',
   'For creating sensors in secured clusters', true),
  ('b0b0b0b0-0000-4000-8000-000000000005', 'Network Graph Viewer',
   'Read access to the network graph', true),
  ('b0b0b0b0-0000-4000-8000-000000000006', 'Vulnerability Report Creator',
   'For creating and scheduling vulnerability reports', true),
  ('b0b0b0b0-0000-4000-8000-000000000007', 'None',
   'No access to any resource', true);

-- Admin: READ_WRITE on all.
INSERT INTO permission_set_entries (permission_set_id, resource, access)
  SELECT 'b0b0b0b0-0000-4000-8000-000000000001', name, 2 FROM resources;

-- Analyst: READ on all but Administration.
INSERT INTO permission_set_entries (permission_set_id, resource, access)
  SELECT 'b0b0b0b0-0000-4000-8000-000000000002', name, 1 FROM resources
  WHERE name <> 'Administration';

INSERT INTO permission_set_entries (permission_set_id, resource, access) VALUES
  -- Continuous Integration
  ('b0b0b0b0-0000-4000-8000-000000000003', 'Detection', 1),
  ('b0b0b0b0-0000-4000-8000-000000000003', 'Image', 2),
  -- Sensor Creator
  ('b0b0b0b0-0000-4000-8000-000000000004', 'Cluster', 2),
  ('b0b0b0b0-0000-4000-8000-000000000004', 'Administration', 2),
  -- Network Graph Viewer
  ('b0b0b0b0-0000-4000-8000-000000000005', 'Deployment', 1),
  ('b0b0b0b0-0000-4000-8000-000000000005', 'NetworkGraph', 1),
  ('b0b0b0b0-0000-4000-8000-000000000005', 'NetworkPolicy', 1),
  -- Vulnerability Report Creator
  ('b0b0b0b0-0000-4000-8000-000000000006', 'WorkflowAdministration', 2),
  ('b0b0b0b0-0000-4000-8000-000000000006', 'Integration', 1);
  -- None: no entries.

INSERT INTO roles (name, description, permission_set_id, access_scope_id, built_in) VALUES
  ('Admin', 'Read and write access to every resource',
   'b0b0b0b0-0000-4000-8000-000000000001', 'a0a0a0a0-0000-4000-8000-000000000001', true),
  ('Analyst', 'Read access to every resource except Administration',
   'b0b0b0b0-0000-4000-8000-000000000002', 'a0a0a0a0-0000-4000-8000-000000000001', true),
  ('Continuous Integration', 'For CI pipelines: read Detection, read and write Image',
   'b0b0b0b0-0000-4000-8000-000000000003', 'a0a0a0a0-0000-4000-8000-000000000001', true),
  ('Sensor Creator', 'For creating sensors in secured clusters',
   'b0b0b0b0-0000-4000-8000-000000000004', 'a0a0a0a0-0000-4000-8000-000000000001', true),
  ('Network Graph Viewer', 'Read access to the network graph',
   'b0b0b0b0-0000-4000-8000-000000000005', 'a0a0a0a0-0000-4000-8000-000000000001', true),
  ('Vulnerability Report Creator', 'For creating and scheduling vulnerability reports',
   'b0b0b0b0-0000-4000-8000-000000000006', 'a0a0a0a0-0000-4000-8000-000000000001', true),
  ('None', 'No access to any resource',
   'b0b0b0b0-0000-4000-8000-000000000007', 'a0a0a0a0-0000-4000-8000-000000000001', true);
