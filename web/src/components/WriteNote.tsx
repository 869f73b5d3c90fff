// Says so when the caller may read but not change roles, permission sets, access scopes
// and machine-to-machine configurations (Read-write on Access is needed).
import { useCanWriteAccess } from "../identity";

export function WriteNote() {
  const canWrite = useCanWriteAccess();
  if (canWrite !== false) return null;
  return (
    <p class="note" role="note">
      You can look but not change anything here: that needs Read-write access on the Access
      resource.
    </p>
  );
}
