/* placeholder: replaced by the machine object */
int vm_machine_placeholder(void);
int vm_machine_placeholder(void) { return 0; }
