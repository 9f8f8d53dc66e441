-- Unused links were issued for the account as it was then. A reset link sets the password of the
-- whole account, so any change to who the account is (password, operator flag, status, email) or
-- to what it opens (memberships, roles) revokes its unused reset links; a change to its membership
-- of a tenant also revokes its pending invitations into that tenant. Triggers, so that no code path
-- that changes an account can forget to do it. Revoked links read as used.
CREATE TRIGGER users_revoke_stale_links
AFTER UPDATE OF password_hash, is_platform_admin, status, email ON users
WHEN OLD.password_hash IS NOT NEW.password_hash
  OR OLD.is_platform_admin IS NOT NEW.is_platform_admin
  OR OLD.status IS NOT NEW.status
  OR OLD.email IS NOT NEW.email
BEGIN
  UPDATE invitations SET used_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
   WHERE used_at IS NULL AND kind = 'reset' AND email IN (OLD.email, NEW.email);
END;
--> statement-breakpoint
CREATE TRIGGER memberships_insert_revoke_stale_links
AFTER INSERT ON memberships
BEGIN
  UPDATE invitations SET used_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
   WHERE used_at IS NULL
     AND email = (SELECT email FROM users WHERE id = NEW.user_id)
     AND (kind = 'reset' OR tenant_id = NEW.tenant_id);
END;
--> statement-breakpoint
CREATE TRIGGER memberships_update_revoke_stale_links
AFTER UPDATE OF role ON memberships
WHEN OLD.role IS NOT NEW.role
BEGIN
  UPDATE invitations SET used_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
   WHERE used_at IS NULL
     AND email = (SELECT email FROM users WHERE id = NEW.user_id)
     AND (kind = 'reset' OR tenant_id = NEW.tenant_id);
END;
--> statement-breakpoint
CREATE TRIGGER memberships_delete_revoke_stale_links
AFTER DELETE ON memberships
BEGIN
  UPDATE invitations SET used_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
   WHERE used_at IS NULL
     AND email = (SELECT email FROM users WHERE id = OLD.user_id)
     AND (kind = 'reset' OR tenant_id = OLD.tenant_id);
END;
