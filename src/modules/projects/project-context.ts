import type { ApprovalSettings } from '../../core/approval';

/**
 * What other modules know of a project: its identity, its environments and the approval policy
 * stored on them. The projects module owns the tables; everyone else receives these plain
 * objects (never the database rows), so a change of storage stays inside the repository.
 */
export interface ProjectContext {
  id: string;
  key: string;
  name: string;
  tags: string[];
  createdAt: Date;
  updatedAt: Date;
  /** Settings every environment without its own follows; null = the built-in default. */
  approvalDefaults: StoredApprovalSettings | null;
  /** In creation order. */
  environments: EnvironmentContext[];
}

export interface EnvironmentContext {
  id: string;
  projectId: string;
  key: string;
  name: string;
  color: string;
  critical: boolean;
  tags: string[];
  sdkKey: string;
  clientSideId: string;
  mobileKey: string;
  /** Monotonic; bumped by every committed change to the environment's flags or segments. */
  revision: bigint;
  createdAt: Date;
  updatedAt: Date;
  /** This environment's own settings; null = the project's defaults or the built-in default. */
  approvalSettings: StoredApprovalSettings | null;
  /** Bumped by every change to what protects it (critical, approval settings); governance requests bind to it. */
  governanceVersion: number;
}

/** Settings as stored: written whole, but read over the defaults so older rows lacking a field still read. */
export type StoredApprovalSettings = Partial<ApprovalSettings>;
