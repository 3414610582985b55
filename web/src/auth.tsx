import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router-dom';
import { Result } from 'antd';
import { loadSession, onSessionChange, type Session } from './lib/session';
import type { Role } from './roles';

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState(loadSession);
  useEffect(() => onSessionChange(setSession), []);
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

export function useSession(): Session | null {
  return useContext(SessionContext);
}

/** Signed in with one of `roles`, or off to the login page (and back here afterwards). */
export function RequireRole({ roles, children }: { roles: Role[]; children: ReactNode }) {
  const session = useSession();
  const location = useLocation();
  if (!session) {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/login?next=${next}`} replace />;
  }
  if (!roles.includes(session.role as Role)) {
    return <Result status="403" title="无权访问" subTitle="该页面仅对采购人开放，其他角色的工作台即将上线。" />;
  }
  return <>{children}</>;
}
